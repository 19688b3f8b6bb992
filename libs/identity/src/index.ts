// The public API of @custodia/identity; filled in as the context lands.
export {};
