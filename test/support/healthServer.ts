// A server whose health paths answer as told, for the serve-command start-up tests:
//   node healthServer.js --port N --answer /health=404 --answer /v1/models=500 [--ready-after MS]
// Until --ready-after has passed every path answers 503 (loading); paths not named answer 404.
import { createServer } from "node:http";

const arg = (name: string) => process.argv.flatMap((a, i) => (a === `--${name}` ? [process.argv[i + 1]!] : []));
const answers = new Map(arg("answer").map((a) => [a.split("=")[0]!, Number(a.split("=")[1])]));
const readyAt = Date.now() + Number(arg("ready-after")[0] ?? 0);
createServer((req, res) => {
  const status = Date.now() < readyAt ? 503 : (answers.get(req.url ?? "") ?? 404);
  res.writeHead(status, { "content-type": "text/plain" });
  res.end(status === 500 ? "CacheNotFound: no Hugging Face cache" : status === 503 ? "Loading model" : status === 404 ? "Not Found" : "ok");
}).listen(Number(arg("port")[0]), "127.0.0.1");
