// On a Temporal server that `npm start` did not create, the guides' custom search attributes may be
// missing; a workflow that sets a missing one fails its workflow task, so check before the worker runs.
import type { ConnectionLike } from '@temporalio/client';
import type { SearchAttributeType } from '@temporalio/common';
import proto from '@temporalio/proto';
import { SEARCH_ATTRIBUTES } from '../../workflows/messages';

const { IndexedValueType } = proto.temporal.api.enums.v1;

const INDEXED_TYPES: Partial<Record<SearchAttributeType, proto.temporal.api.enums.v1.IndexedValueType>> = {
  KEYWORD: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  BOOL: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
};
const CLI_TYPES: Partial<Record<SearchAttributeType, string>> = { KEYWORD: 'Keyword', BOOL: 'Bool' };

/** The names it added (empty when all were there); throws with the commands to run when it may not add them. */
export async function ensureSearchAttributes(connection: Pick<ConnectionLike, 'operatorService'>, namespace: string): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = customAttributes ?? {};
  const wrongType = SEARCH_ATTRIBUTES.filter((key) => key.name in existing && existing[key.name] !== INDEXED_TYPES[key.type]);
  if (wrongType.length > 0) {
    throw new Error(
      `Namespace ${namespace} has ${wrongType.map((k) => `${k.name} (expected ${CLI_TYPES[k.type]})`).join(', ')} with another type; ` +
        'the workflows cannot set them. Use another namespace (TEMPORAL_NAMESPACE) or fix the attribute there.',
    );
  }
  const missing = SEARCH_ATTRIBUTES.filter((key) => !(key.name in existing));
  if (missing.length === 0) return [];
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, INDEXED_TYPES[key.type]!])),
    });
  } catch (err) {
    const commands = missing.map(
      (key) =>
        `  npm run temporal -- operator search-attribute create --namespace ${namespace} --name ${key.name} --type ${CLI_TYPES[key.type]}`,
    );
    throw new Error(
      [
        `Namespace ${namespace} lacks the search attributes ${missing.map((k) => k.name).join(', ')}, and adding them failed: ${(err as Error).message}`,
        'Ask someone with admin rights on that server to run (on Temporal Cloud: `tcld namespace search-attributes add`):',
        ...commands,
      ].join('\n'),
    );
  }
  return missing.map((key) => key.name);
}
