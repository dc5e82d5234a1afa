// Instruments a module so that a guest that never makes a call to the host
// still comes back to it regularly: a countdown is decremented at every
// loop header (and at the entry of functions that make tail calls, the
// only other way to run forever without a stack overflow); when it reaches
// zero the guest calls the imported check function, which may throw (a
// kill), sleep (a CPU share) or account time, and returns the next
// countdown. Optionally each memory.grow's result is passed through a
// second import, so the host learns of failed allocations, and memories
// are capped (see memory.ts).
//
// The countdown lives in a mutable global (appended), but a function with
// loops keeps it in a local of its own (a register), as wasmtime's fuel
// does: loaded from the global at entry, written back before calls to the
// module's own functions (and indirect calls) and before every way out
// (return, tail calls, throws, branches to the function's label, the
// final end), read back after those calls. A store to the global in every
// iteration kept engines from optimising tight loops (3x slower); the local
// costs a decrement and a test. Functions without loops are left alone
// but for renumbering.
//
// One pass over the module: sections are copied through in spans, and
// only what shifts is rewritten. The imports are appended after the
// module's own, so every defined function moves up by their number: calls,
// return_calls, ref.func, element segments, exports, the start function,
// and the name section follow. The global and the types are appended, so
// nothing else moves. Custom sections that point into the code (DWARF,
// source maps, relocations, code metadata) are dropped; label names too,
// as the inserted `if` adds a label.

import { Reader, u32Bytes, Writer } from './bytes';
import { CodeEvents, emitCode, rewriteConstant, scanCode, type Insertions, type ScanOptions } from './code';
import { MalformedWasmError, ReservedImportError } from './errors';
import { writeCappedMemorySection } from './memory';
import { outline, readLimits, SECTION, SECTION_ORDER, skipRefType, skipValType, type ModuleOutline, type Section } from './module';

/** The import module of the runtime's own functions; a program importing from it is refused. */
export const INTERNAL_MODULE = '__flotilla';
/** `() -> i32`: called when the countdown reaches zero; returns the next countdown (≥ 1). */
export const CHECK_IMPORT = 'interrupt_check';
/** `(i32) -> i32`: receives each memory.grow result (-1 on failure) and returns it. */
export const GROW_IMPORT = 'memory_grow_result';

export interface InstrumentOptions {
  /** Countdown before the first check (loop headers). Default 1024. */
  readonly initialCountdown?: number;
  /** Pass memory.grow results (memory 0, 32-bit) through GROW_IMPORT. Default true. */
  readonly hookMemoryGrow?: boolean;
  /** Cap every defined memory's maximum at this many 64 KiB pages (see capMemory). */
  readonly maxMemoryPages?: number;
}

export interface InstrumentStats {
  /** Function bodies rewritten. */
  functions: number;
  /** Loop headers instrumented. */
  loops: number;
  /** Functions checked at entry because they make tail calls. */
  tailCallingFunctions: number;
  tailCalls: number;
  /** memory.grow instructions hooked. */
  grows: number;
  /** Custom sections dropped because they point into the code. */
  droppedSections: string[];
}

/** Instruments a module (see the top of this file); throws a WasmRewriteError when it cannot. */
export function instrument(bytes: Uint8Array, options: InstrumentOptions = {}): Uint8Array<ArrayBuffer> {
  return instrumentWithStats(bytes, options).bytes;
}

export function instrumentWithStats(bytes: Uint8Array, options: InstrumentOptions = {}): { bytes: Uint8Array<ArrayBuffer>; stats: InstrumentStats } {
  return new Instrumenter(bytes, options).run();
}

/** Whether a compiled module was instrumented (it imports the check function). */
export function isInstrumented(module: WebAssembly.Module): boolean {
  return WebAssembly.Module.imports(module).some((item) => item.module === INTERNAL_MODULE && item.name === CHECK_IMPORT);
}

class Instrumenter {
  private readonly _outline: ModuleOutline;
  private readonly _out: Writer;
  private readonly _stats: InstrumentStats = { functions: 0, loops: 0, tailCallingFunctions: 0, tailCalls: 0, grows: 0, droppedSections: [] };
  private readonly _hookGrow: boolean;
  private readonly _addedImports: number;
  private readonly _checkType: number;
  private readonly _checkFunction: number;
  private readonly _countdown: number;
  private readonly _scan: ScanOptions;
  private readonly _events = new CodeEvents();
  private readonly _grow: Uint8Array | undefined;

  constructor(private readonly _bytes: Uint8Array, private readonly _options: InstrumentOptions) {
    const info = outline(_bytes);
    this._outline = info;
    for (const item of info.imports) if (item.module === INTERNAL_MODULE) throw new ReservedImportError(`${item.module}.${item.name}`);
    const memory0 = info.memories[0];
    this._hookGrow = (_options.hookMemoryGrow ?? true) && memory0 !== undefined && !memory0.is64;
    this._addedImports = this._hookGrow ? 2 : 1;
    this._checkType = info.typeCount;
    this._checkFunction = info.importedFunctions;
    this._countdown = info.importedGlobals + info.definedGlobals;
    this._scan = { firstShifted: info.importedFunctions, functionShift: this._addedImports, hookGrow: this._hookGrow, typeParams: info.typeParams };
    this._grow = this._hookGrow ? new Uint8Array([0x10, ...u32Bytes(this._checkFunction + 1)]) : undefined;
    this._out = new Writer(_bytes.length + (_bytes.length >> 4) + 256);
  }

  run(): { bytes: Uint8Array<ArrayBuffer>; stats: InstrumentStats } {
    const bytes = this._bytes;
    const out = this._out;
    out.span(bytes, 0, 8);
    const has = new Set(this._outline.sections.map((section) => section.id));
    const missing = [SECTION.type, SECTION.import, SECTION.global].filter((id) => !has.has(id));
    const addMissingBefore = (order: number): void => {
      while (missing.length > 0 && SECTION_ORDER[missing[0]!]! < order) this._synthesize(missing.shift()!);
    };
    for (const section of this._outline.sections) {
      if (section.id !== SECTION.custom) addMissingBefore(SECTION_ORDER[section.id]!);
      this._section(section);
    }
    addMissingBefore(Infinity);
    return { bytes: out.finish(), stats: this._stats };
  }

  private _section(section: Section): void {
    const bytes = this._bytes;
    const out = this._out;
    const r = new Reader(bytes, section.start, section.end);
    switch (section.id) {
      case SECTION.type: return this._appendToVector(section, (body) => body.bytes(this._newTypes()));
      case SECTION.import: return this._appendToVector(section, (body) => this._newImports(body));
      case SECTION.table: return this._tables(r);
      case SECTION.memory:
        if (this._options.maxMemoryPages === undefined) return out.span(bytes, section.headerStart, section.end);
        return writeCappedMemorySection(bytes, section.start, section.end, out, this._options.maxMemoryPages);
      case SECTION.global: return this._globals(r);
      case SECTION.export: return this._exports(r);
      case SECTION.start: {
        const body = new Writer(8);
        body.u32(this._function(r.u32()));
        return out.sized(SECTION.start, body);
      }
      case SECTION.element: return this._elements(r);
      case SECTION.code: return this._code(r);
      case SECTION.custom: return this._custom(section);
      default:
        out.span(bytes, section.headerStart, section.end);
    }
  }

  private _function(index: number): number {
    return index >= this._outline.importedFunctions ? index + this._addedImports : index;
  }

  /** A vector section with entries appended after the module's own. */
  private _appendToVector(section: Section, append: (body: Writer) => void): void {
    const r = new Reader(this._bytes, section.start, section.end);
    const count = r.u32();
    const body = new Writer(section.end - section.start + 64);
    body.u32(count + (section.id === SECTION.type ? 2 : this._addedImports));
    body.span(this._bytes, r.pos, section.end);
    append(body);
    this._out.sized(section.id, body);
  }

  private _newTypes(): Uint8Array {
    return new Uint8Array([0x60, 0x00, 0x01, 0x7f, 0x60, 0x01, 0x7f, 0x01, 0x7f]);
  }

  private _newImports(body: Writer): void {
    body.name(INTERNAL_MODULE);
    body.name(CHECK_IMPORT);
    body.byte(0x00);
    body.u32(this._checkType);
    if (this._hookGrow) {
      body.name(INTERNAL_MODULE);
      body.name(GROW_IMPORT);
      body.byte(0x00);
      body.u32(this._checkType + 1);
    }
  }

  private _countdownGlobal(body: Writer): void {
    body.byte(0x7f); // i32
    body.byte(0x01); // mutable
    body.byte(0x41); // i32.const
    body.s32(Math.max(1, this._options.initialCountdown ?? 1024));
    body.byte(0x0b);
  }

  /** A section the module lacks but the instrumentation needs. */
  private _synthesize(id: number): void {
    const body = new Writer(64);
    if (id === SECTION.type) {
      body.u32(2);
      body.bytes(this._newTypes());
    } else if (id === SECTION.import) {
      body.u32(this._addedImports);
      this._newImports(body);
    } else {
      body.u32(1);
      this._countdownGlobal(body);
    }
    this._out.sized(id, body);
  }

  /** A constant expression, with ref.func renumbered. */
  private _expression(r: Reader, body: Writer): void {
    rewriteConstant(r, body, this._events, { ...this._scan, typeParams: undefined });
  }

  /** What a function with loops gets, its countdown in local `local`. */
  private _insertions(local: number): Insertions & { entry: Uint8Array; check: Uint8Array } {
    const l = u32Bytes(local);
    const g = u32Bytes(this._countdown);
    // if (local == 0) local = check(); local -= 1
    const check = new Uint8Array([0x20, ...l, 0x45, 0x04, 0x40, 0x10, ...u32Bytes(this._checkFunction), 0x21, ...l, 0x0b, 0x20, ...l, 0x41, 0x01, 0x6b, 0x21, ...l]);
    const c = u32Bytes(this._checkFunction);
    // A loop without parameters is split so that its body has no call (engines unroll and
    // optimise call-free loops far better); the call sits in a wrapper the loop leaves to:
    //   block bt; loop bt; block
    //     loop bt  [if (local == 0) br 1; local -= 1]  body  end
    //     br 2            ;; the loop ended: out, with its results
    //   end
    //   local = check(); br 0   ;; back into the loop from its header
    //   end; end
    // if (local == 0) br 1 (to the call); local -= 1: a countdown of 1 still lets an iteration run
    const header = new Uint8Array([0x20, ...l, 0x45, 0x0d, 0x01, 0x20, ...l, 0x41, 0x01, 0x6b, 0x21, ...l]);
    return {
      entry: new Uint8Array([0x23, ...g, 0x21, ...l]), // local = global
      check,
      loop: check,
      splitLoop: (blockType, out) => {
        out.byte(0x02); out.bytes(blockType);
        out.byte(0x03); out.bytes(blockType);
        out.byte(0x02); out.byte(0x40);
        out.byte(0x03); out.bytes(blockType);
        out.bytes(header);
      },
      splitLoopEnd: new Uint8Array([0x0c, 0x02, 0x0b, 0x10, ...c, 0x21, ...l, 0x0c, 0x00, 0x0b, 0x0b]),
      flush: new Uint8Array([0x20, ...l, 0x24, ...g]), // global = local
      reload: new Uint8Array([0x23, ...g, 0x21, ...l]),
      grow: this._grow,
    };
  }

  private _tables(r: Reader): void {
    const body = new Writer(r.end - r.pos + 16);
    const count = r.u32();
    body.u32(count);
    for (let i = 0; i < count; i++) {
      const start = r.pos;
      const withInit = r.bytes[r.pos] === 0x40;
      if (withInit) {
        r.pos++;
        if (r.byte() !== 0x00) throw new MalformedWasmError('bad table entry', r.pos - 1);
      }
      skipRefType(r);
      readLimits(r);
      body.span(this._bytes, start, r.pos);
      if (withInit) this._expression(r, body);
    }
    this._finishSection(SECTION.table, r, body);
  }

  private _globals(r: Reader): void {
    const body = new Writer(r.end - r.pos + 16);
    const count = r.u32();
    body.u32(count + 1);
    for (let i = 0; i < count; i++) {
      const start = r.pos;
      skipValType(r);
      r.byte();
      body.span(this._bytes, start, r.pos);
      this._expression(r, body);
    }
    this._countdownGlobal(body);
    this._finishSection(SECTION.global, r, body);
  }

  private _exports(r: Reader): void {
    const body = new Writer(r.end - r.pos + 16);
    const count = r.u32();
    body.u32(count);
    for (let i = 0; i < count; i++) {
      const start = r.pos;
      r.skip(r.u32()); // the name
      const kind = r.byte();
      body.span(this._bytes, start, r.pos);
      const index = r.u32();
      body.u32(kind === 0x00 ? this._function(index) : index);
    }
    this._finishSection(SECTION.export, r, body);
  }

  private _elements(r: Reader): void {
    const body = new Writer(r.end - r.pos + 64);
    const count = r.u32();
    body.u32(count);
    for (let i = 0; i < count; i++) {
      const flags = r.u32();
      body.u32(flags);
      if (flags > 7) throw new MalformedWasmError(`unknown element segment flags ${flags}`, r.pos - 1);
      const active = (flags & 0x01) === 0;
      const explicitTable = (flags & 0x02) !== 0;
      const expressions = (flags & 0x04) !== 0;
      if (active && explicitTable) body.u32(r.u32());
      if (active) this._expression(r, body);
      if (!active || explicitTable) {
        // elemkind (0x00: funcref) for indices, a reference type for expressions
        const start = r.pos;
        if (expressions) skipRefType(r);
        else r.byte();
        body.span(this._bytes, start, r.pos);
      }
      const items = r.u32();
      body.u32(items);
      for (let j = 0; j < items; j++) {
        if (expressions) this._expression(r, body);
        else body.u32(this._function(r.u32()));
      }
    }
    this._finishSection(SECTION.element, r, body);
  }

  private _code(r: Reader): void {
    const bytes = this._bytes;
    const { typeParams, functionTypes, importedFunctions } = this._outline;
    const body = new Writer(r.end - r.pos + ((r.end - r.pos) >> 3) + 64);
    const scratch = new Writer(1 << 16);
    const events = this._events;
    const plain: Insertions = { grow: this._grow };
    const count = r.u32();
    body.u32(count);
    for (let i = 0; i < count; i++) {
      const size = r.u32();
      const start = r.pos;
      const end = start + size;
      if (end > r.end) throw new MalformedWasmError('function body runs past its section', start);
      const fn = new Reader(bytes, start, end);
      const groups = fn.u32();
      const groupsStart = fn.pos;
      let locals = 0;
      for (let g = 0; g < groups; g++) {
        locals += fn.u32();
        skipValType(fn);
      }
      const localsEnd = fn.pos;
      events.reset();
      scanCode(fn, events, this._scan, importedFunctions + i);
      if (fn.pos !== end) throw new MalformedWasmError('function body ends before its size', fn.pos);
      this._stats.functions++;
      this._stats.loops += events.loops;
      this._stats.tailCalls += events.tailCalls;
      this._stats.grows += events.grows;
      scratch.reset();
      if (events.loops === 0 && events.tailCalls === 0) {
        scratch.span(bytes, start, localsEnd);
        emitCode(bytes, localsEnd, end, events, plain, scratch);
      } else {
        const params = typeParams[functionTypes[i] ?? -1] ?? -1;
        if (params < 0) throw new MalformedWasmError(`function ${importedFunctions + i} has no function type`, start);
        const insertions = this._insertions(params + locals);
        scratch.u32(groups + 1); // one more local: the cached countdown
        scratch.span(bytes, groupsStart, localsEnd);
        scratch.byte(0x01);
        scratch.byte(0x7f);
        scratch.bytes(insertions.entry);
        if (events.tailCalls > 0) {
          scratch.bytes(insertions.check);
          this._stats.tailCallingFunctions++;
        }
        emitCode(bytes, localsEnd, end, events, insertions, scratch);
      }
      body.u32(scratch.length);
      body.bytes(scratch.view());
      r.pos = end;
    }
    this._finishSection(SECTION.code, r, body);
  }

  private _finishSection(id: number, r: Reader, body: Writer): void {
    if (r.pos !== r.end) throw new MalformedWasmError(`section ${id} has trailing bytes`, r.pos);
    this._out.sized(id, body);
  }

  private _custom(section: Section): void {
    const name = section.name!;
    if (name.startsWith('.debug_') || name === 'sourceMappingURL' || name === 'external_debug_info' || name.startsWith('reloc.') || name === 'linking' || name.startsWith('metadata.code.')) {
      this._stats.droppedSections.push(name);
      return;
    }
    if (name === 'name') {
      try {
        const rewritten = this._names(section);
        this._out.sized(SECTION.custom, rewritten);
      } catch {
        this._stats.droppedSections.push(name); // engines ignore a malformed name section; so do we
      }
      return;
    }
    this._out.span(this._bytes, section.headerStart, section.end);
  }

  /** The name section: function and local names renumbered, label names dropped. */
  private _names(section: Section): Writer {
    const bytes = this._bytes;
    const r = new Reader(bytes, section.payloadStart!, section.end);
    const body = new Writer(section.end - section.start + 64);
    body.span(bytes, section.start, section.payloadStart!); // the name "name"
    while (!r.done) {
      const subStart = r.pos;
      const id = r.byte();
      const size = r.u32();
      const end = r.pos + size;
      if (end > r.end) throw new MalformedWasmError('name subsection runs past its section', r.pos);
      const sub = new Reader(bytes, r.pos, end);
      if (id === 1 || id === 2) {
        const content = new Writer(size + 16);
        const count = sub.u32();
        content.u32(count);
        for (let i = 0; i < count; i++) {
          content.u32(this._function(sub.u32()));
          const start = sub.pos;
          if (id === 1) sub.skip(sub.u32());
          else for (let locals = sub.u32(); locals > 0; locals--) { sub.u32(); sub.skip(sub.u32()); }
          content.span(bytes, start, sub.pos);
        }
        if (sub.pos !== end) throw new MalformedWasmError('name subsection has trailing bytes', sub.pos);
        body.byte(id);
        body.sized(undefined, content);
      } else if (id !== 3) {
        body.span(bytes, subStart, end);
      }
      r.pos = end;
    }
    return body;
  }
}
