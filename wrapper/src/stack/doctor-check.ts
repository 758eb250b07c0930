// One `claude-otel doctor` finding: what doctor-checks.ts and team-doctor.ts return.

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  fix?: string;
}
