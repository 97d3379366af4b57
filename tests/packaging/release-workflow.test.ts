// The release workflow (.github/workflows/release.yml) is valid GitHub Actions syntax, as the
// action-validator linter's schema sees it; it can only run on GitHub's runners, so this is what
// can be checked here, beside the steps it must have.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../support/packaged-app';

const workflow = readFileSync(join(PROJECT_ROOT, '.github', 'workflows', 'release.yml'), 'utf8');

describe('the release workflow', () => {
  it('has no error in the eyes of action-validator', () => {
    expect(validateWorkflow(workflow).errors).toEqual([]);
  });

  it('would be rejected with a mistake in it (a misspelt key, a YAML error)', () => {
    const misspelt = validateWorkflow(workflow.replace('    runs-on:', '    runs_on:')).errors;
    expect(JSON.stringify(misspelt)).toContain("Additional property 'runs_on' is not allowed");
    const broken = validateWorkflow(workflow.replace('on:\n', 'on: [\n')).errors;
    expect(broken.map((error) => error.code)).toContain('parse_error');
  });

  it('runs on tags v* and by hand, on Linux, Windows and macOS, and makes and uploads the installers', () => {
    expect(workflow).toMatch(/push:\n\s+tags: \['v\*'\]\n\s+workflow_dispatch:/);
    for (const os of ['ubuntu-', 'windows-', 'macos-']) expect(workflow).toContain(`os: ${os}`);
    for (const step of ['npm ci', 'npm run native:electron', 'xvfb-run -a npm test', 'npx playwright test tests/e2e/electron.spec.ts', 'npm run dist', 'actions/upload-artifact@']) {
      expect(workflow).toContain(step);
    }
    expect(workflow.indexOf('npm run native:electron')).toBeLessThan(workflow.indexOf('npm test'));
    expect(workflow.indexOf('npm test')).toBeLessThan(workflow.indexOf('npm run dist'));
  });
});
