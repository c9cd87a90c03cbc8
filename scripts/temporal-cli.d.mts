export declare const TEMPORAL_CLI_VERSION: string;
export declare const projectRoot: string;
export declare const toolsDir: string;
export declare const venvTemporal: string;
export declare const installHint: string;
export declare function temporalOnPath(): string | undefined;
export declare function findTemporalCli(): string | undefined;
export declare function requireTemporalCli(): string;
