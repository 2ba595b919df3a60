// Runs deploy/argocd/health.lua under Lua 5.1 the way Argo CD runs a health check: `obj` is a
// global holding the object, and only the base and table libraries exist (Argo CD also loads a
// safe os library and package, which the script has no use for). Strings have no methods, as in
// Argo CD's gopher-lua without the string library, so `s:find(...)` fails here as it would there.
import { execFile } from 'node:child_process';

const LUA = process.env.LUA ?? 'lua5.1';

/** A Lua string literal for any JS string: printable ASCII as is, every other byte as \ddd. */
function luaString(value: string): string {
  let out = '"';
  for (const byte of Buffer.from(value, 'utf8')) {
    const printable = byte >= 0x20 && byte < 0x7f && byte !== 0x22 && byte !== 0x5c;
    out += printable ? String.fromCharCode(byte) : `\\${String(byte).padStart(3, '0')}`;
  }
  return out + '"';
}

/** JSON value -> Lua table constructor; nulls become absent keys, as Argo CD decodes them to nil. */
export function toLuaLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return luaString(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a JSON number: ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `{${value.map(toLuaLiteral).join(', ')}}`;
  if (typeof value === 'object') {
    const fields = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => `[${luaString(k)}] = ${toLuaLiteral(v)}`);
    return `{${fields.join(', ')}}`;
  }
  throw new Error(`cannot convert ${typeof value} to Lua`);
}

const BASE_FUNCTIONS = ['assert', 'error', 'getmetatable', 'ipairs', 'next', 'pairs', 'pcall', 'print', 'rawequal', 'rawget', 'rawset',
  'select', 'setmetatable', 'tonumber', 'tostring', 'type', 'unpack', 'xpcall'];

function driver(scriptPath: string, object: unknown): string {
  return [
    `local env = { obj = ${toLuaLiteral(object)}, table = table, _VERSION = _VERSION }`,
    `for _, name in ipairs({${BASE_FUNCTIONS.map((f) => `"${f}"`).join(', ')}}) do env[name] = _G[name] end`,
    'env._G = env',
    `local chunk = assert(loadfile(${luaString(scriptPath)}))`,
    'setfenv(chunk, env)',
    'local out, exit = io.stdout, os.exit',
    'getmetatable("").__index = nil',
    'local ok, hs = pcall(chunk)',
    'if not ok then out:write("LUA ERROR: ", tostring(hs), "\\n") exit(2) end',
    'if type(hs) ~= "table" then out:write("LUA ERROR: the script returned ", type(hs), "\\n") exit(3) end',
    'out:write(tostring(hs.status), "\\n", tostring(hs.message))',
  ].join('\n');
}

export interface HealthStatus {
  status: string;
  message: string;
}

export function runHealthCheck(scriptPath: string, object: unknown): Promise<HealthStatus> {
  return new Promise((resolve, reject) => {
    const child = execFile(LUA, ['-'], (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${LUA} failed (${String(err.code)}): ${stdout}${stderr}`));
        return;
      }
      const newline = stdout.indexOf('\n');
      resolve({ status: stdout.slice(0, newline), message: stdout.slice(newline + 1) });
    });
    child.stdin?.end(driver(scriptPath, object));
  });
}
