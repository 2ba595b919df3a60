// Compile-time helpers that turn TypeScript types into values a test can compare with the CRD:
// tsc refuses a fixture that leaves out or invents a field, or a list that misses a union member.

type Scalar = string | number | boolean | null | undefined;

/** T with every property, at every depth, present and non-null: a fixture of it must set everything. */
export type DeepRequired<T> = T extends Scalar
  ? NonNullable<T>
  : T extends readonly (infer U)[]
    ? DeepRequired<U>[]
    : { [K in keyof T]-?: DeepRequired<NonNullable<T[K]>> };

type ItemOf<T> = T extends readonly (infer U)[] ? U : T;
type Joint<T> = T extends readonly unknown[] ? '[].' : '.';

/**
 * Union of the dotted paths of every optional property below T (`[]` marks list items, as in
 * crd-schema.ts). String-keyed maps (Record<string, string>) are leaves.
 */
export type OptionalPaths<T, P extends string> = T extends Scalar
  ? never
  : string extends keyof T
    ? never
    : {
        [K in keyof T & string]-?:
          | (Partial<Pick<T, K>> extends Pick<T, K> ? `${P}${K}` : never)
          | OptionalPaths<NonNullable<ItemOf<NonNullable<T[K]>>>, `${P}${K}${Joint<NonNullable<T[K]>>}`>;
      }[keyof T & string];

type Complete<T extends string, L extends readonly string[]> = [Exclude<T, L[number]>] extends [never]
  ? L
  : { missing: Exclude<T, L[number]> };

/**
 * Lists every member of the string union T: `allOf<'a' | 'b'>()(['a', 'b'])`. Leaving a member out
 * is a compile error naming it; an extra member is one too.
 */
export function allOf<T extends string>() {
  return <const L extends readonly T[]>(list: L & Complete<T, L>): readonly string[] => list;
}
