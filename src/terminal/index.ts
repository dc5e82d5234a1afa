// The learner's terminal: a line discipline between xterm.js and a
// container's TtyDevice, and the view that wires them.
export { LineDiscipline, DEFAULT_HISTORY_LIMIT, SIGINT, SIGQUIT, type HistoryStore, type LineDisciplineOptions, type TtyEndpoint } from './LineDiscipline';
export { TerminalView, DARK_THEME, MONO_FONTS, type EchoTiming, type TerminalViewOptions } from './TerminalView';
