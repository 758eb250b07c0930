// One benchmark figure as `npm run bench` prints it.
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  target: string;
  ok: boolean;
}
