/**
 * Retries `probe` until it resolves (read models and the user directory are eventually
 * consistent): its last failure is rethrown once `timeoutMs` has passed.
 */
export const eventually = async <T>(probe: () => Promise<T>, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
};
