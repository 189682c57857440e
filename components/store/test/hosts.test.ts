import { isPostgresUrl, withHostsTurned } from '../src/hosts.ts';

describe('isPostgresUrl', () => {
  test.each([
    'postgres://u@db:5432/jobs',
    'postgresql://u:p%40ss@db/jobs',
    'postgres:///jobs',
    'postgres://u:p@db-1:5432,db-2:5433/jobs?target_session_attrs=read-write',
    'postgres://u@[::1]:5432,10.0.0.2,db-3/jobs',
  ])('isPostgresUrl: accepts %s', (url) => {
    expect(isPostgresUrl(url)).toBe(true);
  });

  test.each([
    'http://db/jobs',
    'postgres://db-1:5432,/jobs',
    'postgres://db-1:5432,db-2:port/jobs',
    'postgres://db-1,db 2/jobs',
    'db-1:5432/jobs',
  ])('isPostgresUrl: refuses %s', (url) => {
    expect(isPostgresUrl(url)).toBe(false);
  });
});

describe('withHostsTurned', () => {
  const url = 'postgres://u:p@a:1,b:2,c:3/jobs?target_session_attrs=read-write';

  test('withHostsTurned: lists the hosts from the turn-th on, wrapping round, the rest kept', () => {
    expect(withHostsTurned(url, 1)).toBe('postgres://u:p@b:2,c:3,a:1/jobs?target_session_attrs=read-write');
    expect(withHostsTurned(url, 2)).toBe('postgres://u:p@c:3,a:1,b:2/jobs?target_session_attrs=read-write');
    expect(withHostsTurned(url, 3)).toBe(url);
  });

  test('withHostsTurned: leaves a URL of one host as it is', () => {
    expect(withHostsTurned('postgres://u@a:1/jobs', 1)).toBe('postgres://u@a:1/jobs');
  });
});
