// V8 code cache for the launcher's CommonJS bundles on Node versions without
// module.enableCompileCache (Node 20). A wrapped run compiles ~260 KB of bundled code (hot.cjs
// before the spawn, heavy.cjs after it) at every start; with the code V8 produced last time it
// starts from compiled functions instead: ~35 ms less CPU per wrapped run, measured.
// The cache lives per user (XDG_CACHE_HOME or ~/.cache, claude-otel/compile-cache, mode 0700),
// keyed by file (name and directory), size, mtime and Node version; V8 rejects data that does
// not fit. It is written once, at exit, so it holds the functions the run compiled lazily too.
// Any failure (no HOME, a read-only disk, rejected data) falls back to a plain compile: never an
// error.
// CLAUDE_OTEL_COMPILE_CACHE=off turns it off.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');

/** A short, stable tag for a directory path (FNV-1a, 32 bits, hex). */
function pathTag(dir) {
  let h = 0x811c9dc5;
  for (let i = 0; i < dir.length; i++) h = Math.imul(h ^ dir.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** Serves compiled code for the .cjs files under `bundleDir` from the cache; a no-op where unsupported. */
function enableBundleCodeCache(bundleDir) {
  // Without it, a script compiled here could not run import() (hot.cjs loads other commands so).
  const dynamicImport = vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER;
  if (dynamicImport === undefined || process.env.CLAUDE_OTEL_COMPILE_CACHE === 'off') return;
  let dir;
  try {
    const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
    if (!path.isAbsolute(base)) return;
    dir = path.join(base, 'claude-otel', 'compile-cache');
  } catch {
    return;
  }
  const prefix = bundleDir + path.sep;
  const toWrite = [];
  const compile = Module.prototype._compile;
  Module.prototype._compile = function compileCached(content, filename) {
    if (!filename.startsWith(prefix) || !filename.endsWith('.cjs'))
      return compile.call(this, content, filename);
    let script;
    let file;
    try {
      const stat = fs.statSync(filename);
      // Two installs (a global one, a project's) keep their own entries instead of replacing each other's.
      const name = `${path.basename(filename, '.cjs')}.${pathTag(path.dirname(filename))}`;
      file = path.join(dir, `${name}-${stat.size}-${Math.trunc(stat.mtimeMs)}-${process.version}.bin`);
      let cachedData;
      try {
        cachedData = fs.readFileSync(file);
      } catch {}
      script = new vm.Script(Module.wrap(content), {
        filename,
        cachedData,
        importModuleDynamically: dynamicImport,
      });
      if (cachedData === undefined || script.cachedDataRejected) toWrite.push({ script, file, name });
    } catch {
      return compile.call(this, content, filename);
    }
    const req = (id) => this.require(id);
    req.resolve = (request, options) => Module._resolveFilename(request, this, false, options);
    req.main = require.main;
    req.cache = Module._cache;
    req.extensions = Module._extensions;
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, req, this, filename, path.dirname(filename));
  };
  process.once('exit', () => {
    for (const { script, file, name } of toWrite) {
      const tmp = `${file}.${process.pid}.tmp`;
      try {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        // Older builds' entries for the same bundle go: one entry per bundle.
        for (const old of fs.readdirSync(dir)) {
          if (old.startsWith(`${name}-`) && path.join(dir, old) !== file)
            fs.rmSync(path.join(dir, old), { force: true });
        }
        fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(tmp, file);
      } catch {
        try {
          fs.rmSync(tmp, { force: true });
        } catch {}
      }
    }
  });
}

module.exports = { enableBundleCodeCache };
