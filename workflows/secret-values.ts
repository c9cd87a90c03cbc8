// The shape and length rules of sealed secrets live in src/secret-values.ts, beside the sealing code's
// other imports, so activities need not import from workflows/. Kept here for the workflows' imports.
export * from '../src/secret-values';
