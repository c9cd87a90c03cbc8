// The custom search attributes the workflows set and activities, the support tool and the webhook
// receiver query by. Plain definitions (no Node imports), so workflow code and activities share them
// without activities importing workflows/.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const MxUserId = defineSearchAttributeKey('MxUserId', SearchAttributeType.KEYWORD);
export const MxUserGuid = defineSearchAttributeKey('MxUserGuid', SearchAttributeType.KEYWORD);
export const MxMemberGuid = defineSearchAttributeKey('MxMemberGuid', SearchAttributeType.KEYWORD);
export const MxInstitution = defineSearchAttributeKey('MxInstitution', SearchAttributeType.KEYWORD);
export const MxConnectionStatus = defineSearchAttributeKey('MxConnectionStatus', SearchAttributeType.KEYWORD);
export const MxStep = defineSearchAttributeKey('MxStep', SearchAttributeType.KEYWORD);
export const MxAwaitingMfa = defineSearchAttributeKey('MxAwaitingMfa', SearchAttributeType.BOOL);

/** Every custom search attribute the workflows set; `npm start` and the test server register these. */
export const SEARCH_ATTRIBUTES = [MxUserId, MxUserGuid, MxMemberGuid, MxInstitution, MxConnectionStatus, MxStep, MxAwaitingMfa] as const;
