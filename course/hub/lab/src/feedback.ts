/**
 * "(view feedback)" in nbgrader's Assignments tab opens the rendered feedback page.
 *
 * nbgrader's link runs the command `filebrowser:go-to-path` with the fetched feedback's
 * folder, COURSE/ASSIGNMENT/feedback/TIMESTAMP: the file browser shows a folder, and the
 * HTML inside opens untrusted. The course service renders the trainee's released feedback
 * (course/hub/service/my_feedback.py); its address comes from the server's page config
 * (`mesocourseFeedbackUrl`, written by course/hub/layout.py), so outside the hub this
 * plugin does nothing.
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { PageConfig, URLExt } from '@jupyterlab/coreutils';

/** The command nbgrader's "(view feedback)" link runs. */
const GO_TO_PATH = 'filebrowser:go-to-path';

/** The folder nbgrader fetches feedback into: ASSIGNMENT/feedback/TIMESTAMP (after the course's folder). */
const FEEDBACK_FOLDER = /(?:^|\/)([\w-]+)\/feedback\/[^/]+\/?$/;

/** The assignment whose fetched feedback folder `path` is, or null for any other path. */
export function feedbackAssignment(path: unknown): string | null {
  const match = typeof path === 'string' ? FEEDBACK_FOLDER.exec(path) : null;
  return match ? match[1] : null;
}

export const feedbackPlugin: JupyterFrontEndPlugin<void> = {
  id: 'mesocourse-lab:feedback',
  description: 'nbgrader\'s "(view feedback)" opens the rendered feedback page of the course service.',
  autoStart: true,
  activate: (app: JupyterFrontEnd): void => {
    const feedbackUrl = PageConfig.getOption('mesocourseFeedbackUrl');
    if (!feedbackUrl) {
      return; // not on the course server
    }
    app.commands.commandExecuted.connect((_, executed) => {
      const assignment = executed.id === GO_TO_PATH ? feedbackAssignment(executed.args.path) : null;
      if (assignment) {
        // Emitted synchronously within the click: the browser lets the click open a tab.
        window.open(URLExt.join(feedbackUrl, encodeURIComponent(assignment)), '_blank', 'noopener');
      }
    });
  }
};
