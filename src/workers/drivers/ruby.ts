// Runs CRuby's WASI build (@ruby/3.4-wasm-wasi, ruby+stdlib.wasm) like the
// `ruby` command, over our own WasiProcess.
//
// That build is a *reactor*: it exports `_initialize` and an embedding API
// (ruby-init, rb-eval-string-protect, ...) instead of `_start`, and it never
// asks WASI for its argv: the embedder hands argv to `ruby-init`, which runs
// ruby_init() + ruby_options(argc, argv) and then throws away the compiled
// main program (there is no export to run it). So:
//   1. ruby itself parses the real command line (switches, ARGV, $0, -v,
//      --version, -h, -r, -I, -w, RUBYOPT ...), except that the program
//      (-e CODE / script / stdin) is replaced by `-e ""` and the arguments
//      after it are passed behind `--`, so they all land in ARGV verbatim;
//   2. a small Ruby prelude then runs the program at top level the way
//      ruby_run_node would: `-e`/stdin code through eval at TOPLEVEL_BINDING,
//      a script through InstructionSequence.compile_file (both give the
//      '<main>' frames ruby prints), at_exit handlers afterwards, uncaught
//      exceptions printed like ruby's error_print, stdout flushed, and the
//      exit status (SystemExit#status, 1 on an error) returned.
// `exit!` and signals do not come back through Ruby: proc_exit throws
// ProcExit out of the guest (mapped to its code here) and a kill throws
// ProcessKilled, which propagates to the runtime like for any program.
//
// No node:* imports: this runs in browser workers.
import { RubyVM } from '@ruby/wasm-wasi/dist/vm';
import { ProcExit, WASI_PREVIEW1_MODULE, type WasiProcess } from '../../wasi';

/** How a ruby command line is run (see parseRubyArgs). */
export interface RubyInvocation {
  /**
   * 'info': ruby_options prints and ends (-h, --help, --version, or -v /
   * --verbose with no program); otherwise where the program comes from.
   */
  readonly mode: 'info' | 'e' | 'script' | 'stdin';
  /** argv for ruby_options: the switches, `-e ""` instead of the program, `--`, then ARGV. */
  readonly rubyArgs: readonly string[];
  /** The -e code (several -e are joined with newlines, as ruby does). */
  readonly code?: string;
  /** The script path as given (also $0 and __FILE__). */
  readonly script?: string;
  /** -c: check the syntax, print "Syntax OK", run nothing. */
  readonly syntaxOnly: boolean;
  /** Libraries of -r switches (ruby_options requires them; see the prelude). */
  readonly requires: readonly string[];
}

// Short switches whose argument is the rest of the word or the next word.
const ARG_REQUIRED = new Set(['e', 'I', 'r', 'E', 'C']);
// Short switches that swallow the rest of the word as an optional argument.
const ARG_REST = new Set(['x', 'i', 'F', 'W', 'T', '0', 'K']);
// Long options that may take their argument as the next word.
const LONG_WITH_ARG = new Set([
  '--encoding', '--external-encoding', '--internal-encoding', '--enable', '--disable',
  '--dump', '--parser', '--backtrace-limit', '--crash-report',
]);

/**
 * Splits a ruby command line into switches / program / ARGV, mirroring
 * ruby's own scan (ruby.c proc_options) only as far as needed to find the
 * program. Exported for tests.
 */
export function parseRubyArgs(argv: readonly string[]): RubyInvocation {
  const argv0 = argv[0] ?? 'ruby';
  const switches: string[] = [];
  const eCode: string[] = [];
  const requires: string[] = [];
  let info = false;
  let verbose = false;
  let syntaxOnly = false;
  let encodingGiven = false;
  let i = 1;
  for (; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') { i++; break; }
    if (!word.startsWith('-') || word === '-') break;
    if (word.startsWith('--')) {
      const name = word.split('=', 1)[0]!;
      if (name === '--version' || name === '--help') info = true;
      if (name === '--verbose') verbose = true;
      if (name === '--encoding' || name === '--external-encoding') encodingGiven = true;
      switches.push(word);
      if (LONG_WITH_ARG.has(word) && i + 1 < argv.length) switches.push(argv[++i]!);
      continue;
    }
    // A cluster such as -wle 'code': rebuild it without its -e / -c parts.
    let kept = '';
    for (let j = 1; j < word.length; j++) {
      const c = word[j]!;
      if (ARG_REQUIRED.has(c)) {
        let arg = word.slice(j + 1);
        if (arg === '' && i + 1 < argv.length) arg = argv[++i]!;
        if (c === 'e') {
          eCode.push(arg);
        } else {
          if (c === 'E') encodingGiven = true;
          if (c === 'r') requires.push(arg);
          if (kept) switches.push(`-${kept}`);
          kept = '';
          switches.push(`-${c}`, arg);
        }
        break;
      }
      if (ARG_REST.has(c)) {
        if (c === 'K') encodingGiven = true;
        kept += word.slice(j);
        break;
      }
      if (c === 'h') info = true;
      if (c === 'v') verbose = true;
      if (c === 'c') { syntaxOnly = true; continue; }
      kept += c;
    }
    if (kept) switches.push(`-${kept}`);
  }
  // ruby.wasm's own default; ruby would take it from the locale, which
  // wasi-libc reports as ASCII whatever LANG says.
  const encoding = encodingGiven ? [] : ['-EUTF-8'];
  const rest = argv.slice(i);
  if (info || (verbose && eCode.length === 0 && rest.length === 0)) {
    return { mode: 'info', rubyArgs: [argv0, ...encoding, ...switches], syntaxOnly, requires };
  }
  const rubyArgs = (args: readonly string[]): string[] => [argv0, ...encoding, ...switches, '-e', '', '--', ...args];
  const common = { syntaxOnly, requires };
  if (eCode.length > 0) return { mode: 'e', rubyArgs: rubyArgs(rest), code: eCode.join('\n'), ...common };
  if (rest.length === 0 || rest[0] === '-') return { mode: 'stdin', rubyArgs: rubyArgs(rest.slice(1)), ...common };
  return { mode: 'script', rubyArgs: rubyArgs(rest.slice(1)), script: rest[0]!, ...common };
}

/** Frames of the prelude carry this file name; backtraces are cut there. */
const PRELUDE_FILE = '<flotilla-ruby>';

// A lambda, so nothing it uses leaks into the program's top level.
const PRELUDE = String.raw`
->(mode, file, code, argv0, syntax_only, requires) do
  mark = "${PRELUDE_FILE}:"
  # ruby_options already required the -r libraries; when one failed it
  # printed the error and gave up, which we cannot see from here: a failing
  # library fails again (quietly), and ruby would not run the program.
  begin
    requires.each { |lib| require lib }
  rescue SystemExit => e
    next e.status
  rescue ScriptError, StandardError
    next 1
  end
  report = ->(e) do
    bt = e.backtrace || []
    cut = bt.index { |line| line.start_with?(mark) } || bt.size
    # Raised by the prelude itself (a syntax error while compiling): ruby
    # reports those at the program file, e.g. "-e: -e:1: syntax error...".
    e.set_backtrace(cut.zero? ? [file] : bt[0, cut])
    message =
      begin
        e.full_message(highlight: STDERR.tty?)
      rescue Exception
        # syntax_suggest (SyntaxError#detailed_message) needs a Timeout
        # thread unless SYNTAX_SUGGEST_TIMEOUT=0, and wasm has no threads.
        e.full_message(highlight: STDERR.tty?, syntax_suggest: false)
      end
    STDERR.write(message)
  rescue Exception
    STDERR.write("#{file}: #{e.message} (#{e.class})\n") rescue nil
  end
  # at_exit handlers would only run when the VM is torn down, which the
  # embedding API never does: collect them and run them ourselves.
  handlers = []
  add = ->(block) do
    raise ArgumentError, "called without a block" unless block
    handlers << block
    block
  end
  verbose, $VERBOSE = $VERBOSE, nil # no "method redefined" warning under -w/-v
  Kernel.send(:define_method, :at_exit) { |&block| add.(block) }
  Kernel.send(:private, :at_exit)
  Kernel.define_singleton_method(:at_exit) { |&block| add.(block) }
  $VERBOSE = verbose

  # ruby 3.4 parses the main program with prism (the "+PRISM" of -v);
  # compile_file/compile would use parse.y.
  iseq = RubyVM::InstructionSequence
  prism = iseq.respond_to?(:compile_file_prism)
  status = 0
  error = nil
  begin
    case mode
    when "script"
      begin
        main = prism ? iseq.compile_file_prism(file) : iseq.compile_file(file)
      rescue SystemCallError => e
        STDERR.write("#{argv0}: #{e.class.new.message} -- #{file} (LoadError)\n")
        next 1
      end
      $0 = file
      unless syntax_only
        # DATA: the script after its __END__ line (ruby's loader sets it).
        io = File.open(file)
        found = io.each_line.any? { |line| line.chomp == "__END__" }
        found ? Object.const_set(:DATA, io) : io.close
      end
      syntax_only ? puts("Syntax OK") : main.eval
    else
      if mode == "stdin"
        code = STDIN.read
        $0 = file
      end
      if syntax_only
        prism ? iseq.compile_prism(code, file, file, 1) : iseq.compile(code, file, file, 1)
        puts "Syntax OK"
      else
        eval(code, TOPLEVEL_BINDING, file, 1)
      end
    end
  rescue SystemExit => e
    status = e.status
  rescue Exception => e
    error = e
    status = e.is_a?(SignalException) ? 128 + e.signo : 1
  end
  # Last registered first; handlers may register more.
  while (handler = handlers.pop)
    begin
      handler.call
    rescue SystemExit => e
      status = e.status
    rescue Exception => e
      report.(e)
      status = 1 if status.zero?
    end
  end
  # ruby prints the main error after the at_exit handlers ran.
  report.(error) if error
  [$stdout, STDOUT, $stderr, STDERR].uniq.each { |io| io.flush rescue nil }
  status
end
`;

/** A Ruby expression for `text`, whatever bytes it holds. */
function rubyString(text: string | undefined): string {
  if (text === undefined) return 'nil';
  let hex = '';
  for (const byte of new TextEncoder().encode(text)) hex += byte.toString(16).padStart(2, '0');
  return `["${hex}"].pack("H*").force_encoding(Encoding::UTF_8)`;
}

/**
 * Runs `ruby` with `argv` (argv[0] is the program name) in a fresh instance
 * of `module` (ruby+stdlib.wasm) over `wasi`, and returns the exit status.
 * The WasiProcess is used for this one run; its fs, stdio and signals are
 * the container's. ProcessKilled, traps and host errors propagate.
 * `onInstance` sees the instance once created (e.g. to keep its memory for
 * classifying a later trap as out-of-memory). `extraImports`: more import
 * modules (the runtime's interrupt checks of an instrumented module).
 */
export async function runRuby(
  module: WebAssembly.Module,
  wasi: WasiProcess,
  argv: readonly string[],
  onInstance?: (instance: WebAssembly.Instance) => void,
  extraImports: WebAssembly.Imports = {},
): Promise<number> {
  const invocation = parseRubyArgs(argv);
  try {
    // What RubyVM.instantiateModule does, minus RubyVM#initialize: that one
    // also evaluates a Bundler-setup snippet inside a catch-all that would
    // swallow a ProcessKilled (our signals are taken once).
    const vm = new RubyVM();
    const imports: WebAssembly.Imports = { ...extraImports, [WASI_PREVIEW1_MODULE]: wasi.imports[WASI_PREVIEW1_MODULE]! };
    vm.addToImports(imports);
    const instance = await WebAssembly.instantiate(module, imports);
    onInstance?.(instance);
    await vm.setInstance(instance);
    wasi.attach(instance);
    (instance.exports._initialize as () => void)();
    // ruby-init hands each string's pointer to C as a char*: NUL-terminate.
    vm.guest.rubyInit(invocation.rubyArgs.map((arg) => `${arg}\0`));
    if (invocation.mode === 'info') return 0;
    // ruby_options reports its own errors (an invalid switch, a bad -C dir)
    // and stops before setting up encodings; ruby exits 1 then. Beyond that
    // point only -r can fail, which the prelude checks.
    const [ready] = vm.guest.rbEvalStringProtect('defined?(Encoding::UTF_8) ? "1" : "0"\0');
    if (vm.guest.rstringPtr(ready) !== '1') return 1;
    const file = invocation.mode === 'e' ? '-e' : invocation.mode === 'stdin' ? '-' : invocation.script;
    const call = [invocation.mode, file, invocation.code, argv[0] ?? 'ruby'].map(rubyString).join(', ');
    const requires = `[${invocation.requires.map(rubyString).join(', ')}]`;
    // Straight to the guest, not vm.eval: that one answers any JS exception
    // (our ProcExit, ProcessKilled) by printing a VM bug report to stderr.
    const [status, tag] = vm.guest.rbEvalStringProtect(
      `eval(${rubyString(PRELUDE)}, nil, ${rubyString(PRELUDE_FILE)}, 1).call(${call}, ${invocation.syntaxOnly}, ${requires}).to_s\0`,
    );
    // The prelude rescues every Exception, so only a VM-level failure gets here.
    if (tag !== 0) {
      const [text] = vm.guest.rbFuncallvProtect(vm.guest.rbErrinfo(), vm.guest.rbIntern('inspect\0'), []);
      throw new Error(`ruby driver: the prelude did not complete (ruby tag ${tag}: ${vm.guest.rstringPtr(text)})`);
    }
    return Number(vm.guest.rstringPtr(status)) & 0xff;
  } catch (error) {
    if (error instanceof ProcExit) return error.code;
    throw error;
  }
}
