// Checks a raw wire answer against an SDK model class: every key must be one the model names and of
// the type it declares, recursively. The SDK's cast drops unknown keys silently, so a misspelt key
// would otherwise pass every typed test while the operator reads undefined.
interface ModelClass {
  names(): Record<string, string>;
  types(): Record<string, unknown>;
}

type FieldType = string | ModelClass | { type: 'array'; itemType: FieldType } | { type: 'map' };

function isModel(type: unknown): type is ModelClass {
  return typeof type === 'function' && typeof (type as Partial<ModelClass>).names === 'function';
}

function problemsOfValue(value: unknown, type: FieldType, path: string): string[] {
  if (isModel(type)) return shapeProblems(value, type, path);
  if (typeof type === 'string') {
    if (type === 'any') return [];
    return typeof value === type ? [] : [`${path} is ${typeof value}, the model wants ${type}`];
  }
  if (type.type === 'array') {
    if (!Array.isArray(value)) return [`${path} is not an array`];
    return value.flatMap((item, index) => problemsOfValue(item, type.itemType, `${path}[${index}]`));
  }
  return typeof value === 'object' && value !== null ? [] : [`${path} is not an object`];
}

/** Problems of `value` as `model` (empty when it matches). */
export function shapeProblems(value: unknown, model: ModelClass, path = '$'): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [`${path} is not an object`];
  }
  const names = model.names();
  const types = model.types();
  const byWireKey = new Map(Object.entries(names).map(([prop, wire]) => [wire, prop]));
  return Object.entries(value).flatMap(([key, item]) => {
    const prop = byWireKey.get(key);
    if (prop === undefined) return [`${path}.${key} is not a key of the SDK model`];
    return problemsOfValue(item, types[prop] as FieldType, `${path}.${key}`);
  });
}
