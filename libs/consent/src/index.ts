// The public API of @custodia/consent; filled in as the context lands.
export {};
