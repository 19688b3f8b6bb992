// The public API of @custodia/follow-ups; filled in as the context lands.
export {};
