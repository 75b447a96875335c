/**
 * face_search (fpt-ekyc.vi.md, Step 4, "Trường hợp sử dụng tính năng face search"): on a passed
 * liveness, the selfie against the selfies and document faces of the namespace's earlier completed
 * sessions, by perceptual-hash similarity; then this session's faces join the collection.
 */
import { hashDistance, type DecodedImage } from '../../../core/images.js'
import type { FaceSearchHit, FaceSearchResult } from '../liveness-body.js'
import type { FaceRow, SessionRow } from '../store.js'
import type { FptCall } from './session.js'

export async function faceSearch (call: FptCall, session: SessionRow, selfie: DecodedImage): Promise<FaceSearchResult> {
  const fs = call.settings.face_search
  const hash = await selfie.perceptualHash()
  const earlier = call.store.faces(call.namespace, session.session_id)
  const found = { [fs.collection]: { selfie: hits(call, earlier, hash, true), document: hits(call, earlier, hash, false) } }
  const faces = [{ type: 'selfie', hash }]
  // The front image stands for the document's face (README, "Divergences and guesses").
  if (session.front_hash !== null && session.document_type !== null) faces.push({ type: session.document_type, hash: session.front_hash })
  call.store.addFaces(call.namespace, session.session_id, faces, call.nowMs())
  return found
}

/** The faces of one kind (selfies, or document faces) similar enough, most similar first, at most top_k. */
function hits (call: FptCall, earlier: FaceRow[], hash: string, selfies: boolean): FaceSearchHit[] {
  const fs = call.settings.face_search
  return earlier
    .filter((f) => (f.face_type === 'selfie') === selfies)
    .map((f) => ({ 'session-id': f.session_id, similarity: Math.round((1 - hashDistance(hash, f.hash)) * 100) / 100, face_type: f.face_type, info: {} }))
    .filter((h) => h.similarity >= fs.min_similarity)
    .sort((a, b) => b.similarity - a.similarity)
    .slice(0, fs.top_k)
}
