/** An error whose message is written for the person at the terminal: printed as is, exit 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
