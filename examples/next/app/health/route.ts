/** `GET /health`: one of the app's own routes, beside the webhooks. */
export const GET = (): Response => Response.json({ ok: true });
