// Conformance: each tests/wasi/c/*.c is one behaviour, compiled to
// wasm32-wasip1 and run in-process by WasiProcess over a real ContainerFs
// (the expectations and the runner are in ./conformance.ts).
import { ContainerFs } from '../../src/fs/ContainerFs';
import { describeConformance } from './conformance';

describeConformance('WASI conformance (C programs)', () => ({ root: new ContainerFs().root }));
