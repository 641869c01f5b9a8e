/**
 * Appends `items` to `list`. Not `list.push(...items)`: that passes every item as an argument on the
 * stack and throws a RangeError past about a hundred thousand of them (a file of that many bad
 * records, say).
 */
export function append<T>(list: T[], items: readonly T[]): void {
  for (const item of items) list.push(item);
}
