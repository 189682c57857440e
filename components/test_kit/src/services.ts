/** Which real service a test suite needs. */
export type Service = 'rabbitmq' | 'postgres';

/** The URLs of the real services, from RABBITMQ_URL and DATABASE_URL. */
export interface ServiceUrls {
  rabbitmqUrl: string;
  databaseUrl: string;
}

const variables: Record<Service, 'RABBITMQ_URL' | 'DATABASE_URL'> = {
  rabbitmq: 'RABBITMQ_URL',
  postgres: 'DATABASE_URL',
};

/**
 * Declares a suite that runs against real services. When a needed URL is not set the suite is
 * skipped with a printed reason, except under CI=true, where a missing service is a failure.
 */
export function describeWithServices(
  name: string,
  needs: readonly Service[],
  body: (urls: ServiceUrls) => void,
): void {
  const missing = needs.map((service) => variables[service]).filter((key) => !process.env[key]);
  if (missing.length === 0) {
    describe(name, () =>
      body({ rabbitmqUrl: process.env.RABBITMQ_URL ?? '', databaseUrl: process.env.DATABASE_URL ?? '' }),
    );
    return;
  }
  const reason = `${name}: needs ${missing.join(' and ')} (real services); not set`;
  if (process.env.CI === 'true') {
    describe(name, () => {
      test('has the real services it needs', () => {
        throw new Error(`${reason}, and CI=true requires them`);
      });
    });
    return;
  }
  process.stderr.write(`skipped ${reason}\n`);
  describe.skip(name, () => body({ rabbitmqUrl: '', databaseUrl: '' }));
}
