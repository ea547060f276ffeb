// A problem with input someone gave or a program wrote: names the file (and line and column where known).
export class InputError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(`${path}${line !== undefined ? `:${line}${column !== undefined ? `:${column}` : ""}` : ""}: ${detail}`);
    this.name = "InputError";
  }
}
