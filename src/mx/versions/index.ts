// The version adapter the client is built with, chosen by name (config `mx.apiVersion`).
import type { MxApiVersion, MxVersion } from './types';
import { v20111101 } from './v20111101';
import { v20250224 } from './v20250224';

export { DEFAULT_MX_API_VERSION, MX_API_VERSIONS, type MxApiVersion, type MxVersion } from './types';

const VERSIONS: Record<MxApiVersion, MxVersion> = { v20111101, v20250224 };

export function mxVersion(name: MxApiVersion): MxVersion {
  return VERSIONS[name];
}
