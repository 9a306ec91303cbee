// cli-table3 ships no types for its text helpers, which the action's build imports (src/lazy-modules.ts requires them).
declare module 'cli-table3/src/utils.js' {
  const text: import('../lazy-modules.js').CliTable3Text;
  export default text;
}
