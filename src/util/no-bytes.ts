/**
 * The bytes of a source file that is read later, where it lies (SourceFile.fsPath), or of one that
 * is only named: none. One empty Buffer for every such file.
 */
export const NO_BYTES: Buffer = Buffer.alloc(0);
