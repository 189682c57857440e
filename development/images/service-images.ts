/** A project that ships as a container image, and where its probes answer. */
export interface ServiceImage {
  /** The folder under projects/ (and the image's name: `mousetrap/<project>`). */
  project: 'api_app' | 'fetch_worker_app' | 'processing_worker_app';
  /** The variable that moves its HTTP port (the API's listener, a worker's probe server). */
  portVariable: 'PORT' | 'HEALTH_PORT';
  /** The port it listens on by default, and the image's EXPOSE. */
  defaultPort: number;
}

/** The three service images, in the order they start (the API first). */
export const SERVICE_IMAGES: readonly ServiceImage[] = [
  { project: 'api_app', portVariable: 'PORT', defaultPort: 8000 },
  { project: 'fetch_worker_app', portVariable: 'HEALTH_PORT', defaultPort: 8001 },
  { project: 'processing_worker_app', portVariable: 'HEALTH_PORT', defaultPort: 8002 },
];

/** The image reference of a project at a version: `mousetrap/<project>:<version>`. */
export const imageName = (project: string, version: string) => `mousetrap/${project}:${version}`;
