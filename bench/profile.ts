/**
 * The top functions by self time in a V8 .cpuprofile (written by `node --cpu-prof`): each sample's
 * time goes to the function on top of the stack; functions are grouped by name and location, and
 * locations in dist/ are mapped back to src/*.ts through tsc's source maps.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { SourceMap } from 'node:module'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

interface CallFrame { functionName: string, url: string, lineNumber: number, columnNumber: number }
interface ProfileNode { id: number, callFrame: CallFrame }
interface CpuProfile { nodes: ProfileNode[], samples: number[], timeDeltas: number[] }

export interface SelfTime { fn: string, where: string, ms: number, share: number }

const maps = new Map<string, SourceMap | undefined>()

function sourceMapOf (file: string): SourceMap | undefined {
  if (!maps.has(file)) {
    const mapFile = `${file}.map`
    maps.set(file, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : undefined)
  }
  return maps.get(file)
}

/** A path relative to root, or from node_modules/ on (node_modules is a link to a shared folder). */
function shown (file: string, root: string): string {
  const i = file.lastIndexOf('/node_modules/')
  return i >= 0 ? file.slice(i + 1) : relative(root, file)
}

/** file:line (1-based) of a call frame, relative to root, through the source map when there is one. */
function locate (frame: CallFrame, root: string): string {
  if (!frame.url.startsWith('file://')) return frame.url === '' ? '' : `${frame.url}:${frame.lineNumber + 1}`
  const file = fileURLToPath(frame.url)
  const entry = sourceMapOf(file)?.findEntry(frame.lineNumber, frame.columnNumber)
  if (entry !== undefined && 'originalSource' in entry) {
    const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : join(file, '..', entry.originalSource)
    return `${shown(source, root)}:${entry.originalLine + 1}`
  }
  return `${shown(file, root)}:${frame.lineNumber + 1}`
}

/** The top n; samples in the first skipMs of the profile (start-up, warm-up) are left out. */
export function topSelf (profileFile: string, root: string, n: number, skipMs = 0): SelfTime[] {
  const profile = JSON.parse(readFileSync(profileFile, 'utf8')) as CpuProfile
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const totals = new Map<string, SelfTime>()
  let all = 0
  let at = 0
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame
    const us = profile.timeDeltas[i] ?? 0
    at += us
    if (at < skipMs * 1000 || frame === undefined || frame.functionName === '(idle)') return
    all += us
    const where = locate(frame, root)
    const key = `${frame.functionName}@${where}`
    const row = totals.get(key) ?? { fn: frame.functionName === '' ? '(anonymous)' : frame.functionName, where, ms: 0, share: 0 }
    row.ms += us / 1000
    totals.set(key, row)
  })
  const rows = [...totals.values()].sort((a, b) => b.ms - a.ms).slice(0, n)
  for (const r of rows) r.share = (r.ms * 1000) / all
  return rows
}

/** The one .cpuprofile file node wrote into dir. */
export function profileIn (dir: string): string {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
  if (file === undefined) throw new Error(`no .cpuprofile in ${dir}`)
  return join(dir, file)
}
