export const items = [
  { id: 1, name: "apple" },
  { id: 2, name: "pear" },
];
