/**
 * The per-image analysis the sandbox answers instead of Riset's models: attributes that agree (or, for
 * a "wrong pose" scenario, disagree) with the requested face parameter, deterministic from the image's
 * sha256, the parameter and --seed; then scenario overrides; then the verdicts computed from the
 * attributes with the vendor's own rules, so a body never contradicts itself unless a scenario says so.
 *
 * Sign conventions come from the vendor's examples: a "left" image has a positive yaw (seed: image1
 * "left", yaw 6.13; later batch doc: "left", yaw 13.85, match true; later single doc: "face left",
 * yaw -13.38, angle false). Pitch positive for "up" is our guess (README, "Divergences and guesses").
 */
import type { Random } from '../../core/random.js'
import type { FaceParameter, ImageOverrideSpec, ImageResultBody, RisetSettings } from './schemas.js'

type Pose = 'left' | 'right' | 'up' | 'down' | 'front'
type State = 'open' | 'closed'

export interface Thresholds {
  pose: number
  spoof: number
  verification: number
}

export function thresholdsOf (s: RisetSettings): Thresholds {
  return { pose: s.pose_threshold_deg, spoof: s.spoof_threshold, verification: s.verification_threshold }
}

const OPPOSITE: Record<Pose, Pose> = { left: 'right', right: 'left', up: 'down', down: 'up', front: 'left' }

/** Whether the attributes satisfy the requested parameter (what `match` reports). */
export function matches (param: FaceParameter, a: Pick<ImageResultBody, 'yaw' | 'pitch' | 'left_eye' | 'right_eye' | 'mouth'>, poseThreshold: number): boolean {
  switch (param) {
    case 'left': return a.yaw >= poseThreshold
    case 'right': return a.yaw <= -poseThreshold
    case 'up': return a.pitch >= poseThreshold
    case 'down': return a.pitch <= -poseThreshold
    case 'front': return Math.abs(a.yaw) < poseThreshold && Math.abs(a.pitch) < poseThreshold
    case 'eyes open': return a.left_eye === 'open' && a.right_eye === 'open'
    case 'eyes closed': return a.left_eye === 'closed' && a.right_eye === 'closed'
    case 'mouth open': return a.mouth === 'open'
    case 'mouth closed': return a.mouth === 'closed'
  }
}

interface ImageInput {
  /** sha256 of the decoded image bytes. */
  sha256: string
  param: FaceParameter
  spoofDetection: boolean
  override: ImageOverrideSpec
}

type Draw = (name: string, min: number, max: number, decimals: number) => number

/** Yaw and pitch of the requested head pose (or its opposite for a wrong pose); eyes and mouth poses look ahead. */
function headPose (r: Draw, param: FaceParameter, agree: boolean, T: number): { yaw: number, pitch: number } {
  const isAngle = param === 'left' || param === 'right' || param === 'up' || param === 'down' || param === 'front'
  let pose: Pose = isAngle ? param : 'front'
  if (isAngle && !agree) pose = param === 'front' ? (r('side', 0, 1, 3) < 0.5 ? 'left' : 'right') : OPPOSITE[param]
  const turned = r('turn', T + 3, T + 25, 2)
  const small = (name: string): number => r(name, -0.6 * T, 0.6 * T, 2)
  let yaw = small('yaw')
  let pitch = small('pitch')
  if (pose === 'left') yaw = turned
  if (pose === 'right') yaw = -turned
  if (pose === 'up') pitch = turned
  if (pose === 'down') pitch = -turned
  return { yaw, pitch }
}

/** Eyes open and mouth closed, unless the parameter asks (or, wrongly, does not ask) otherwise. */
function eyesAndMouth (param: FaceParameter, agree: boolean): { eyes: State, mouth: State } {
  let eyes: State = 'open'
  if (param === 'eyes closed') eyes = agree ? 'closed' : 'open'
  if (param === 'eyes open' && !agree) eyes = 'closed'
  let mouth: State = 'closed'
  if (param === 'mouth open') mouth = agree ? 'open' : 'closed'
  if (param === 'mouth closed' && !agree) mouth = 'open'
  return { eyes, mouth }
}

/** Two decimals as in the document's example (0.96), kept on the verdict's side of the threshold. */
function similarityOf (r: Draw, v: number, o: ImageOverrideSpec): number {
  if (o.similarity !== undefined) return o.similarity
  const lowestVerified = Math.ceil(Math.round(v * 1e6) / 1e4) // in hundredths
  return o.verified === false
    ? Math.min(r('similarity', 0.1, 0.8 * v, 2), Math.max(0, lowestVerified - 1) / 100)
    : Math.max(r('similarity', v + 0.3 * (1 - v), 0.99, 2), lowestVerified / 100)
}

/** The spoof verdict and its score, on the verdict's side of the threshold. */
function spoofOf (r: Draw, threshold: number, o: ImageOverrideSpec): { spoof: 'spoof' | 'real', spoof_score: number } {
  const score = o.spoof_score ?? (o.spoof === 'spoof'
    ? r('spoof', threshold + 0.2 * (1 - threshold), 0.9999, 4)
    : r('spoof', 0.001, 0.6 * threshold, 4))
  return { spoof: o.spoof ?? (score >= threshold ? 'spoof' : 'real'), spoof_score: score }
}

/** One image's result, in the document's key order. */
export function analyse (random: Random, t: Thresholds, input: ImageInput): ImageResultBody {
  const { sha256, param, override: o } = input
  const agree = o.match ?? true
  const r: Draw = (name, min, max, decimals) => random.between(min, max, decimals, 'riset.face', sha256, param, name)
  const { yaw, pitch } = headPose(r, param, agree, t.pose)
  const { eyes, mouth } = eyesAndMouth(param, agree)
  const similarity = similarityOf(r, t.verification, o)
  const out = {
    match: false,
    verified: o.verified ?? similarity >= t.verification,
    similarity,
    masker: o.masker ?? false,
    ...(input.spoofDetection ? spoofOf(r, t.spoof, o) : {}),
    roll: o.roll ?? r('roll', -5, 5, 2),
    pitch: o.pitch ?? pitch,
    yaw: o.yaw ?? yaw,
    left_eye: o.left_eye ?? eyes,
    left_eye_score: o.left_eye_score ?? r('left_eye', 0.9, 1, 4),
    right_eye: o.right_eye ?? eyes,
    right_eye_score: o.right_eye_score ?? r('right_eye', 0.9, 1, 4),
    mouth: o.mouth ?? mouth,
    mouth_score: o.mouth_score ?? r('mouth', 0.85, 1, 4)
  }
  out.match = o.match ?? matches(param, out, t.pose)
  return out
}

/** An image passes when it matches its parameter and, with spoof detection, is real (ruling). */
export function passes (result: ImageResultBody): boolean {
  return result.match && result.spoof !== 'spoof'
}
