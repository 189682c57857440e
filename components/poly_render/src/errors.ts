/** Why a view could not be built: the brick or project asked for is not in the workspace. */
export type RenderErrorCode = 'unknown_brick' | 'unknown_project';

/** A view asked for something the workspace does not hold; the CLI maps it to a usage error. */
export class RenderError extends Error {
  override readonly name = 'RenderError';
  constructor(
    readonly code: RenderErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
