/**
 * The loaded scenarios: every file of the scenario directory, by name, reloaded when the files change.
 * At start-up any broken file is fatal (so a scenario is never silently missing); on a reload a broken
 * file keeps its last good version and the reason is logged.
 */
import { watch, type FSWatcher } from 'node:fs'
import type { FastifyBaseLogger } from 'fastify'
import { loadScenarioDir, ScenarioFileError, type ParseCache } from './loader.js'
import type { Scenario } from './schema.js'

export interface ScenarioSummary { name: string, description: string, vendor: string, file: string }

export class ScenarioLibrary {
  private scenarios = new Map<string, Scenario>()
  private byFile = new Map<string, Scenario[]>()
  private watcher: FSWatcher | undefined
  private reloadTimer: NodeJS.Timeout | undefined
  /** Incremented whenever the loaded set changes (documents that list scenarios are rebuilt). */
  generation = 0

  constructor (private readonly dir: string, private readonly cache: ParseCache, private readonly log: FastifyBaseLogger) {}

  /** Load every file; any error is thrown. */
  loadInitial (): void {
    const { byFile, errors } = loadScenarioDir(this.dir, this.cache)
    const first = errors[0]
    if (first !== undefined) throw first
    this.install(byFile, true)
  }

  /** Reload after an edit: a file that fails keeps its last good version. Returns the errors. */
  reload (): ScenarioFileError[] {
    const { byFile, errors } = loadScenarioDir(this.dir, this.cache)
    for (const err of errors) {
      const previous = this.byFile.get(err.file)
      if (previous !== undefined) byFile.set(err.file, previous)
      this.log.warn({ file: err.file }, `scenario file not reloaded, keeping its last good version: ${err.message}`)
    }
    const dup = this.install(byFile, false)
    if (dup !== undefined) errors.push(dup)
    return errors
  }

  /** Make the files' scenarios the loaded set; a name defined twice is an error (thrown when strict). */
  private install (byFile: Map<string, Scenario[]>, strict: boolean): ScenarioFileError | undefined {
    const next = new Map<string, Scenario>()
    const kept = new Map<string, Scenario[]>()
    let problem: ScenarioFileError | undefined
    for (const [file, loaded] of byFile) {
      let list = loaded
      const clash = list.find((s) => next.has(s.name))
      if (clash !== undefined) {
        problem = new ScenarioFileError(file, `name: scenario "${clash.name}" is already defined in ${next.get(clash.name)?.file ?? '?'}`)
        if (strict) throw problem
        this.log.warn({ file }, `scenario file not reloaded, keeping its last good version: ${problem.message}`)
        const previous = this.byFile.get(file)
        if (previous === undefined) continue
        list = previous.filter((s) => !next.has(s.name))
      }
      for (const s of list) next.set(s.name, s)
      kept.set(file, list)
    }
    this.scenarios = next
    this.byFile = kept
    this.generation++
    return problem
  }

  /** Watch the directory and reload on change (debounced). */
  watch (): void {
    if (this.watcher !== undefined) return
    try {
      this.watcher = watch(this.dir, { recursive: true }, () => { this.scheduleReload() })
      this.watcher.unref()
    } catch (err) {
      this.log.warn(`scenario directory ${this.dir} not watched: ${(err as Error).message}`)
    }
  }

  private scheduleReload (): void {
    clearTimeout(this.reloadTimer)
    this.reloadTimer = setTimeout(() => {
      const errors = this.reload()
      if (errors.length === 0) this.log.info(`scenarios reloaded from ${this.dir} (${this.scenarios.size})`)
    }, 100)
    this.reloadTimer.unref()
  }

  close (): void {
    clearTimeout(this.reloadTimer)
    this.watcher?.close()
    this.watcher = undefined
  }

  get (name: string): Scenario | undefined {
    return this.scenarios.get(name)
  }

  get size (): number {
    return this.scenarios.size
  }

  list (vendors?: ReadonlySet<string>): ScenarioSummary[] {
    return [...this.scenarios.values()]
      .filter((s) => vendors === undefined || vendors.has(s.vendor))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((s) => ({ name: s.name, description: s.description, vendor: s.vendor, file: s.file }))
  }
}
