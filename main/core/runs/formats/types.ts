// What every run-folder format provides to the scanner.
import type { Dirent } from "node:fs";
import type { CheckpointKind, RunFormat } from "../../../../shared/domain.js";
import type { FileTree } from "../fileTree.js";

export interface Candidate {
  step: number;
  /** Absolute path of the checkpoint folder. */
  path: string;
  kind: CheckpointKind;
  /**
   * Listed as a folder, not a link, inside a folder reached from the run folder without links: its real path is its
   * path, so the walk need not resolve it to know it lies inside the run folder.
   */
  plain?: boolean;
}

/** The format's opinion of a checkpoint's files, before the quiet period is applied. */
export type Verdict =
  | { ready: true; kind: CheckpointKind; essentials: string[] }
  | { ready: false; reason: string };

export type Report = (path: string, message: string) => void;

export interface FormatScanner {
  readonly format: RunFormat;
  /** Lists checkpoint folders, given one listing of the run folder. Reports entries it cannot use. */
  list(root: string, rootEntries: Dirent[], report: Report): Promise<Candidate[]>;
  /** Checks the format's marker files and weights. Any missing file or parse error means "look again later". */
  verify(candidate: Candidate, tree: FileTree, root: string): Promise<Verdict>;
  /**
   * Whether a run folder's own entries show this layout (for format "auto"). Formats are asked in registry order,
   * so a more specific layout is listed before a more general one.
   */
  detect?(rootEntries: Dirent[]): boolean;
  /** Where the trainer's state (log_history) of a complete checkpoint is, if this format writes one there. */
  trainerStateOf?(checkpointPath: string): string;
  /** Cheap test that a checkpoint verified earlier is still on disk; by default its essential top-level names exist. */
  stillThere?(candidate: Candidate, essentials: string[]): Promise<boolean>;
}
