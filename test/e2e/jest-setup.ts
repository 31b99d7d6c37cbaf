// Each e2e suite boots seven apps from dist/ (two waves, each app given 90 s on a busy machine):
// hooks and tests without their own timeout get three minutes, not Jest's 60 s.
jest.setTimeout(180_000);
