/**
 * The error of `cdk-elasticache local` and `startLocalCaches()`: an assembly that cannot be read, a
 * stack or cache that is not there, a cache that cannot run locally, a missing server binary, a port
 * already taken, a server that exits at start. One line.
 */
export class LocalCacheError extends Error {
  constructor(message: string) {
    super(message.replace(/\s*\n\s*/g, ' ').trim());
    this.name = 'LocalCacheError';
    Object.setPrototypeOf(this, LocalCacheError.prototype);
  }
}
