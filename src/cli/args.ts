// Parses the CLI's command line into a typed command. Hand-written because
// the grammar is Docker's (options before the image, everything after it
// belongs to the program), which generic parsers get wrong.

export type CliCommand =
  | { readonly kind: 'run'; readonly target: string; readonly args: string[]; readonly env: string[]; readonly dirs: DirMapping[]; readonly name?: string; readonly interactive: boolean; readonly quotas?: CliQuotas }
  | { readonly kind: 'images' }
  | { readonly kind: 'help' }
  | { readonly kind: 'version' };

/** --memory, --cpus, --cpu-time: checked by the runtime (InvalidOptionsError, exit 125). */
export interface CliQuotas {
  readonly memory?: string;
  readonly cpus?: number;
  readonly cpuTimeMs?: number;
}

export interface DirMapping {
  readonly host: string;
  readonly guest: string;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function parseArgs(argv: readonly string[]): CliCommand {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined: case 'help': case '--help': case '-h':
      return { kind: 'help' };
    case '--version': case 'version':
      return { kind: 'version' };
    case 'images':
      if (rest.length > 0) throw new UsageError(`"flotilla images" takes no arguments`);
      return { kind: 'images' };
    case 'run':
      return parseRun(rest);
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function parseRun(argv: readonly string[]): CliCommand {
  const env: string[] = [];
  const dirs: DirMapping[] = [];
  let name: string | undefined;
  let interactive = false;
  const quotas: { memory?: string; cpus?: number; cpuTimeMs?: number } = {};
  let i = 0;
  const value = (option: string): string => {
    const next = argv[++i];
    if (next === undefined) throw new UsageError(`${option} needs a value`);
    return next;
  };
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-') || arg === '-') break;
    if (arg === '--') { i++; break; }
    const [option, inline] = arg.includes('=') && arg.startsWith('--') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    switch (option) {
      case '--env': case '-e': {
        const entry = inline ?? value(option);
        if (!entry.includes('=') || entry.startsWith('=')) throw new UsageError(`--env expects KEY=VALUE, got "${entry}"`);
        env.push(entry);
        break;
      }
      case '--dir': case '-v':
        dirs.push(parseDir(inline ?? value(option)));
        break;
      case '--name':
        name = inline ?? value(option);
        break;
      case '--interactive': case '-i':
        interactive = true;
        break;
      case '--memory': case '-m':
        quotas.memory = inline ?? value(option);
        break;
      case '--cpus':
        quotas.cpus = number(option, inline ?? value(option));
        break;
      case '--cpu-time':
        quotas.cpuTimeMs = number(option, inline ?? value(option));
        break;
      default:
        throw new UsageError(`unknown option ${option}`);
    }
  }
  const target = argv[i];
  if (target === undefined) throw new UsageError('"flotilla run" needs an image or a .wasm file');
  return { kind: 'run', target, args: argv.slice(i + 1), env, dirs, name, interactive, ...(Object.keys(quotas).length > 0 ? { quotas } : {}) };
}

function number(option: string, text: string): number {
  const parsed = Number(text);
  if (text.trim() === '' || !Number.isFinite(parsed)) throw new UsageError(`${option} expects a number, got "${text}"`);
  return parsed;
}

/** HOST[::GUEST], as wasmtime's --dir: GUEST defaults to HOST (made absolute). */
function parseDir(spec: string): DirMapping {
  const [host, guest, extra] = spec.split('::');
  if (!host || extra !== undefined || guest === '') throw new UsageError(`--dir expects HOST[::GUEST], got "${spec}"`);
  const guestPath = guest ?? host;
  return { host, guest: guestPath.startsWith('/') ? guestPath : `/${guestPath.replace(/^\.\/?/, '')}` };
}

export const USAGE = `Usage: flotilla COMMAND

Run WASI programs in Flotilla containers from the terminal.

Commands:
  run [OPTIONS] IMAGE [ARGS...]         Run an image's program in a new container
  run [OPTIONS] ./program.wasm [ARGS...] Run a local wasm32-wasip1 file in a fresh container
  images                                List the images

Options for run:
  -e, --env KEY=VALUE      Set an environment variable (repeatable)
  -v, --dir HOST[::GUEST]  Make a host directory available at GUEST; changes are written back (repeatable)
  -i, --interactive        Pass a terminal's input to the program (piped input always is)
      --name NAME          Name the container
  -m, --memory SIZE        Memory limit of each program (bytes, or 64m, 1g; default 256m)
      --cpus N             Share of one CPU, e.g. 0.5 (docker run --cpus)
      --cpu-time MS        CPU time limit: killed with SIGXCPU (exit 152) when spent

The program's exit code becomes flotilla's; a trap prints its message and exits 134.`;
