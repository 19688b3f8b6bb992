// Placeholder until the API bootstrap lands.
export {};
