/**
 * mesocourse in JupyterLab, on the course server (course/hub): two plugins.
 *
 * - feedback: nbgrader's "(view feedback)" opens the trainee's rendered feedback page
 *   (the course service's, /services/course/feedback/ASSIGNMENT) in one click.
 * - exam clock: while a trainee sits an exam, every notebook shows the time left,
 *   with spoken warnings at 10 and 2 minutes and at the end.
 */
import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { examClockPlugin } from './clock';
import { feedbackPlugin } from './feedback';

const plugins: JupyterFrontEndPlugin<void>[] = [feedbackPlugin, examClockPlugin];
export default plugins;
