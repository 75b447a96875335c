/**
 * sharp (libvips), loaded on the first image rather than at start-up: loading it and its native
 * library is about a tenth of the server's start, and most requests carry no image.
 */
type SharpModule = typeof import('sharp').default

let lib: SharpModule | undefined
let loading: Promise<SharpModule> | undefined

/** sharp, loaded once per process. */
export async function loadSharp (): Promise<SharpModule> {
  loading ??= import('sharp').then((m) => {
    // Every image is new to libvips: its operation cache would only hold memory (ours is by sha256).
    m.default.cache(false)
    lib = m.default
    return m.default
  })
  return await loading
}

/** sharp where an image was already decoded (so loadSharp has resolved). */
export function loadedSharp (): SharpModule {
  if (lib === undefined) throw new Error('sharp used before loadSharp()')
  return lib
}
