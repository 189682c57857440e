/**
 * The API benchmark's baseline: a bare Express app, one route answering a constant JSON body,
 * no middleware. Logs `{"message":"listening","port":N}` once it listens on 127.0.0.1.
 */
import express from 'express';

const body = {
  centroid: [48.2, 16.37],
  most_northerly: ['64.1', '-21.9', 'Reykjavik', 'IS', 'Atlantic/Reykjavik'],
};
const app = express();
app.get('/', (_req, res) => {
  res.json(body);
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(JSON.stringify({ message: 'listening', port }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
