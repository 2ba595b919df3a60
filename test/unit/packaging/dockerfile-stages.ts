// A small Dockerfile reader for tests: joins continuation lines, drops comments and splits the
// instructions into build stages, enough to assert what the runtime image is made of.

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  base: string;
  name: string | undefined;
  instructions: Instruction[];
}

function logicalLines(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let pending = '';
  let startLine = 0;
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (pending === '' && (trimmed === '' || trimmed.startsWith('#'))) return;
    if (pending !== '' && trimmed.startsWith('#')) return;
    if (pending === '') startLine = index + 1;
    if (trimmed.endsWith('\\')) {
      pending += trimmed.slice(0, -1) + ' ';
      return;
    }
    out.push({ text: (pending + trimmed).trim(), line: startLine });
    pending = '';
  });
  return out;
}

export function parseDockerfile(text: string): { preamble: Instruction[]; stages: Stage[] } {
  const preamble: Instruction[] = [];
  const stages: Stage[] = [];
  for (const { text: line, line: lineNumber } of logicalLines(text)) {
    const match = /^(\S+)\s*(.*)$/.exec(line);
    if (!match) continue;
    const instruction: Instruction = { keyword: (match[1] ?? '').toUpperCase(), args: match[2] ?? '', line: lineNumber };
    if (instruction.keyword === 'FROM') {
      const [base = '', as, name] = instruction.args.split(/\s+/);
      stages.push({ base, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      (stages.at(-1)?.instructions ?? preamble).push(instruction);
    }
  }
  return { preamble, stages };
}

export interface CopySpec {
  from: string | undefined;
  chown: string | undefined;
  sources: string[];
  destination: string;
}

/** Reads `COPY [--from=x] [--chown=u:g] src... dest` (shell form; the form this repo uses). */
export function parseCopy(args: string): CopySpec {
  const words = args.split(/\s+/).filter(Boolean);
  const flags = new Map<string, string>();
  while (words[0]?.startsWith('--')) {
    const [flag = '', value = ''] = (words.shift() ?? '').slice(2).split('=');
    flags.set(flag, value);
  }
  const destination = words.pop() ?? '';
  return { from: flags.get('from'), chown: flags.get('chown'), sources: words, destination };
}
