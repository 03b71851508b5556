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

/** nbgrader's list of submitted assignments, where its "(view feedback)" links are. */
const SUBMITTED_LIST = 'submitted_assignments_list';

/**
 * nbgrader's "(view feedback)" is an `<a>` without `href`: the Tab key never reaches it. Each
 * one becomes a focusable link that Enter follows, as a click does (a key press may open a tab).
 */
function reachableByKeyboard(): void {
  new MutationObserver(() => {
    const list = document.getElementById(SUBMITTED_LIST); // cheap when the Assignments tab is closed
    list?.querySelectorAll<HTMLAnchorElement>('a:not([href]):not([tabindex])').forEach(link => {
      link.tabIndex = 0;
      link.setAttribute('role', 'link');
      link.addEventListener('keydown', event => event.key === 'Enter' && link.click());
    });
  }).observe(document.body, { childList: true, subtree: true });
}

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
    reachableByKeyboard();
    app.commands.commandExecuted.connect((_, executed) => {
      const assignment = executed.id === GO_TO_PATH ? feedbackAssignment(executed.args.path) : null;
      if (assignment) {
        // Emitted synchronously within the click: the browser lets the click open a tab.
        window.open(URLExt.join(feedbackUrl, encodeURIComponent(assignment)), '_blank', 'noopener');
      }
    });
  }
};
