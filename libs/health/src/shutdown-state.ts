/**
 * Whether the process is draining. Set first on SIGTERM, so readiness turns false
 * before anything closes; probes stop sending work while in-flight requests finish.
 */
export class ShutdownState {
  private draining = false;

  get isDraining(): boolean {
    return this.draining;
  }

  startDraining(): void {
    this.draining = true;
  }
}
