import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>

/** The HTTP server of one web process, around Next.js's request handler. */
export function createWebServer(handle: RequestHandler): Server {
  return createServer((req, res) => void handle(req, res))
}
