#!/bin/sh
# Creates the namespace and the guides' search attributes (workflows/messages.ts, SEARCH_ATTRIBUTES)
# when they are missing; a workflow that sets a search attribute the namespace lacks fails its task.
# test/deploy/compose.test.ts keeps this list in step with the code.
set -eu
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
tries=0
until temporal operator cluster health >/dev/null 2>&1; do
  tries=$((tries + 1))
  if [ "$tries" -ge 90 ]; then echo "no healthy Temporal server at ${TEMPORAL_ADDRESS:-localhost:7233}" >&2; exit 1; fi
  sleep 2
done
temporal operator namespace describe -n "$NAMESPACE" >/dev/null 2>&1 || temporal operator namespace create -n "$NAMESPACE" --retention 30d
# A new namespace reaches the server's namespace cache some seconds after it is created.
tries=0
until existing=$(temporal operator search-attribute list -n "$NAMESPACE" 2>&1); do
  tries=$((tries + 1))
  if [ "$tries" -ge 60 ]; then echo "namespace $NAMESPACE did not become usable: $existing" >&2; exit 1; fi
  sleep 1
done
for attribute in \
  MxUserId:Keyword \
  MxUserGuid:Keyword \
  MxMemberGuid:Keyword \
  MxInstitution:Keyword \
  MxConnectionStatus:Keyword \
  MxStep:Keyword \
  MxAwaitingMfa:Bool; do
  name="${attribute%%:*}"
  if echo "$existing" | grep -qw "$name"; then continue; fi
  temporal operator search-attribute create -n "$NAMESPACE" --name "$name" --type "${attribute#*:}"
done
echo "Namespace $NAMESPACE is ready"
