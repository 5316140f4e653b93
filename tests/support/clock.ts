/** A clock the test moves by hand: time matters to deadlines, and no test sleeps for working days. */
export class TestClock {
  private current: Date;

  constructor(start = '2026-03-02T02:00:00.000Z') {
    this.current = new Date(start);
  }

  now = (): Date => new Date(this.current);

  set(instant: string | Date): void {
    this.current = new Date(instant);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
