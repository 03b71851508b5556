/**
 * The exam clock: the time left, above every notebook of a trainee sitting an exam.
 *
 * Her exam server (the hub's exam profile) answers GET mesocourse/exam with her exam and
 * her own end, extra time included (course/hub/exam_clock.py); the page config names
 * that address (`mesocourseExamClock`, written for the exam profile only by
 * course/hub/layout.py), so outside an exam the clock shows nothing. No cell runs: the
 * exam kernel blocks ipywidgets, and an untrusted notebook runs no output's script.
 *
 * The visible clock is a `role="timer"` bar (screen readers do not announce its ticks);
 * one `aria-live="assertive"` region announces 10 minutes left, 2 minutes left, and the
 * end. At the end the clock saves her open notebooks: the hub hands in the exam folder as
 * last saved (course/hub/exam_end.py), and JupyterLab's autosave may be minutes behind.
 */
import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ServerConnection } from '@jupyterlab/services';
import { Widget } from '@lumino/widgets';

/** Her exam, as the exam server tells it (ISO times; `now` is the server's clock). */
export interface IExamTimes {
  assignment: string;
  end: string;
  now: string;
}

/** The warnings, latest first: seconds left at which each is announced. */
const WARNINGS: { seconds: number; minutes: number }[] = [
  { seconds: 120, minutes: 2 },
  { seconds: 600, minutes: 10 }
];
export const TIME_IS_UP = 'Time is up: your notebook is handed in';

/** What the clock shows with `seconds` left. */
export function timeLeft(seconds: number): string {
  if (seconds <= 0) {
    return 'Time is up';
  }
  return seconds < 60 ? `Time left: ${Math.ceil(seconds)} s` : `Time left: ${Math.ceil(seconds / 60)} min`;
}

/** A spoken announcement; `stage` is the warning's minutes, 0 for the end. */
export interface IAnnouncement {
  stage: number;
  text: string;
}

/**
 * The announcement due with `seconds` left, or null: the end, else the latest warning
 * passed. Opened after a warning's moment (a reload), the warning says "Less than".
 */
export function announcement(seconds: number, justOpened: boolean): IAnnouncement | null {
  if (seconds <= 0) {
    return { stage: 0, text: TIME_IS_UP };
  }
  const warning = WARNINGS.find(w => seconds <= w.seconds);
  if (!warning) {
    return null;
  }
  return { stage: warning.minutes, text: `${justOpened ? 'Less than ' : ''}${warning.minutes} minutes left` };
}

/** Her exam's times from the exam server, or null outside an exam. */
async function examTimes(address: string): Promise<IExamTimes | null> {
  const settings = ServerConnection.makeSettings();
  const response = await ServerConnection.makeRequest(URLExt.join(settings.baseUrl, address), {}, settings);
  return response.ok ? ((await response.json()) as IExamTimes) : null;
}

/** The countdown: one tick a second updates every clock bar and, at each warning, the live region. */
class ExamCountdown {
  private readonly endMs: number;
  private readonly bars = new Map<NotebookPanel, HTMLElement>();
  private readonly live: HTMLElement;
  private stage: number | null = null;
  private ticks = 0;

  constructor(times: IExamTimes) {
    // Her end on this browser's clock: the server's clock decides, not the laptop's.
    this.endMs = Date.parse(times.end) - (Date.parse(times.now) - Date.now());
    this.live = document.createElement('div');
    this.live.id = 'mesocourse-exam-announcement';
    this.live.className = 'mc-ExamClock-announcement';
    this.live.setAttribute('aria-live', 'assertive');
    this.live.setAttribute('aria-atomic', 'true');
    document.body.appendChild(this.live); // present before its first words, so they are announced
    window.setInterval(() => this.tick(), 1000);
  }

  /** A clock bar above `panel`'s notebook, kept until the notebook closes. */
  addBar(panel: NotebookPanel): void {
    const bar = new Widget();
    bar.addClass('mc-ExamClock');
    bar.node.setAttribute('role', 'timer');
    bar.node.textContent = timeLeft(this.secondsLeft());
    panel.contentHeader.addWidget(bar);
    this.bars.set(panel, bar.node);
    panel.disposed.connect(() => this.bars.delete(panel));
  }

  private secondsLeft(): number {
    return (this.endMs - Date.now()) / 1000;
  }

  private tick(): void {
    const seconds = this.secondsLeft();
    this.bars.forEach(bar => (bar.textContent = timeLeft(seconds)));
    const due = announcement(seconds, this.ticks++ === 0);
    if (due && due.stage !== this.stage) {
      this.stage = due.stage;
      this.live.textContent = due.text;
      if (due.text === TIME_IS_UP) {
        this.bars.forEach((_, panel) => panel.context.model.dirty && void panel.context.save().catch(() => undefined));
      }
    }
  }
}

export const examClockPlugin: JupyterFrontEndPlugin<void> = {
  id: 'mesocourse-lab:exam-clock',
  description: 'The time left in an exam, above the exam notebook, with spoken warnings.',
  autoStart: true,
  requires: [INotebookTracker],
  activate: (_: JupyterFrontEnd, notebooks: INotebookTracker): void => {
    const address = PageConfig.getOption('mesocourseExamClock');
    if (!address) {
      return; // not in an exam: no clock
    }
    // Not awaited: JupyterLab starts without waiting for the exam server's answer.
    void examTimes(address).then(times => {
      if (times) {
        const countdown = new ExamCountdown(times);
        notebooks.forEach(panel => countdown.addBar(panel));
        notebooks.widgetAdded.connect((__, panel) => countdown.addBar(panel));
      }
    });
  }
};
