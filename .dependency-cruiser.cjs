// The folder rules of docs/design.md §2, as code; each rule's `comment` says why it exists.
// `npm run check` runs them (scripts/check-shape.ts) and prints a broken one as `rule: from -> to`:
// dependency-cruiser checks src/; widget/ (.tsx, which dependency-cruiser's swc parser cannot read) is read by
// scripts/shape/read-widget-graph.ts, and every rule whose `from` matches a widget file applies to it too.
// The whole graph: npx depcruise src --config .dependency-cruiser.cjs --output-type text

/** Who may import the composition root: the processes that start it. */
const entryPoints = '^src/(main\\.ts$|cli/|sandbox/start-sandbox\\.ts$)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'a cycle has no first file to read, test or move; it is how two folders grow into one',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'if a path cannot be resolved, no rule here can see where it goes',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'server-only-from-entry-points',
      comment: 'the server wires every folder together; a worker that imports it imports everything else too',
      severity: 'error',
      from: { path: '^src/', pathNot: [entryPoints, '^src/server/'] },
      to: { path: '^src/server/' },
    },
    {
      name: 'contracts-only-zod',
      comment: 'contracts ship in the browser bundle as well as on the server: zod and each other, nothing else',
      severity: 'error',
      from: { path: '^src/contracts/' },
      to: { pathNot: ['^src/contracts/', '(^|/)node_modules/zod/'] },
    },
    {
      name: 'observability-is-a-leaf',
      comment: 'logger and metrics are imported by every worker, so they can import none',
      severity: 'error',
      from: { path: '^src/observability/' },
      to: { path: '^src/', pathNot: '^src/observability/' },
    },
    {
      name: 'http-is-a-leaf',
      comment: 'coded errors and body reading serve every route; the error codes come from the link contract',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^src/', pathNot: '^src/(http|contracts)/' },
    },
    {
      name: 'egress-is-a-leaf',
      comment: 'the fetch every outbound client shares knows no client',
      severity: 'error',
      from: { path: '^src/egress/' },
      to: { path: '^src/', pathNot: '^src/egress/' },
    },
    {
      name: 'jobs-is-a-leaf',
      comment: 'relay, bridge, webhook ingress and store all speak jobs; jobs import only their payload contracts',
      severity: 'error',
      from: { path: '^src/jobs/' },
      to: { path: '^src/', pathNot: '^src/(jobs|contracts)/' },
    },
    {
      name: 'store-below-workers',
      comment: 'every worker queries through the store; a store that imported a worker would query through it',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/', pathNot: '^src/(store|jobs|contracts)/' },
    },
    {
      name: 'outside-clients-below-workers',
      comment: 'the amojo and amoCRM clients are choke points the workers call; they call no worker back',
      severity: 'error',
      from: { path: '^src/(amojo|amocrm)/' },
      to: { path: '^src/', pathNot: '^src/(amojo|amocrm|contracts|egress|http|observability)/' },
    },
    {
      name: 'media-below-workers',
      comment: 'the relay mirrors media and the edge serves it; media knows neither',
      severity: 'error',
      from: { path: '^src/media/' },
      to: { path: '^src/', pathNot: '^src/(media|store|contracts|egress|http|observability)/' },
    },
    {
      name: 'installation-below-relay',
      comment:
        'the relay runs installs and the edge routes them; the installation uses the amoCRM client and the store only',
      severity: 'error',
      from: { path: '^src/installation/' },
      to: {
        path: '^src/',
        pathNot: '^src/(installation|amocrm|store|jobs|contracts|egress|http|observability)/',
      },
    },
    {
      name: 'bridge-below-relay',
      comment: 'the relay calls the bridge, never the other way; besides the leaves the bridge uses the store',
      severity: 'error',
      from: { path: '^src/bridge/' },
      to: { path: '^src/', pathNot: '^src/(bridge|store|jobs|contracts|egress|http|observability|amojo)/' },
    },
    {
      name: 'recovery-below-relay',
      comment:
        'the relay runs the history recovery and the server starts its sweep; it reads amojo and writes what the webhook writes',
      severity: 'error',
      from: { path: '^src/recovery/' },
      to: { path: '^src/', pathNot: '^src/(recovery|store|amojo|jobs|contracts|http|observability)/' },
    },
    {
      name: 'cli-is-an-entry-point',
      comment: 'a command is started, never imported',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'sandbox-only-from-main',
      comment: 'production code never depends on the emulators; only main.ts may start the sandbox',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(main\\.ts$|sandbox/)' },
      to: { path: '^src/sandbox/' },
    },
    {
      name: 'src-not-to-widget',
      comment: 'the widget is a browser bundle built on its own; the backend never runs its code',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^widget/' },
    },
    {
      name: 'widget-no-node',
      comment: 'amoCRM loads the widget in a browser, where no Node module exists',
      severity: 'error',
      from: { path: '^widget/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'widget-only-contracts',
      comment: 'the widget shares the wire format with the backend and nothing else',
      severity: 'error',
      from: { path: '^widget/' },
      to: { path: '^src/', pathNot: '^src/contracts/' },
    },
  ],
  options: {
    // TypeScript 7 has no JS compiler API, so dependency-cruiser parses with @swc/core
    parser: 'swc',
    // type imports count: a cycle of types still ties two files together
    tsPreCompilationDeps: true,
    // widget/ is checked by scripts/shape/ (swc cannot parse its .tsx here); an import of it is still seen
    doNotFollow: { path: ['node_modules', '^widget/'] },
    moduleSystems: ['es6', 'cjs'],
    // resolve packages through their `exports` as Node and TypeScript do, or `zod/mini` counts as unresolvable
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      exportsFields: ['exports'],
    },
  },
};
