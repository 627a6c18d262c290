"""`python manage.py analyze_video VIDEO --out DIR [--detector MODEL_DIR]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Analyse a video of a lift: reps, SkeleMotion images, kinematics, annotated video."

    def add_arguments(self, parser):
        parser.add_argument("video", type=Path)
        parser.add_argument("--out", type=Path, required=True, help="output folder")
        parser.add_argument("--detector", type=Path, help="anomaly detector version folder")
        parser.add_argument("--stage-model", type=Path, help="trained stage classifier file")
        parser.add_argument("--no-video", action="store_true", help="skip the annotated video")

    def handle(self, *args, **opts):
        from tqdm import tqdm

        from core.errors import PipelineError
        from core.pipeline.run import analyze_video, export_video

        judge = None
        if opts["detector"]:
            from core.detector import load_judge

            try:
                judge = load_judge(opts["detector"])
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot load the detector: {exc}") from exc
        bar = tqdm(
            total=100, unit="%", desc="analysing", disable=opts["verbosity"] == 0, leave=True
        )

        def progress(pct: float) -> None:
            if int(pct) > bar.n:
                bar.update(int(pct) - bar.n)

        try:
            result = analyze_video(
                opts["video"],
                opts["out"],
                judge=judge,
                progress=progress,
                stage_model_path=opts["stage_model"],
            )
            if not opts["no_video"]:
                export_video(opts["video"], opts["out"])
        except PipelineError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            bar.close()
        self.stdout.write(result.exercise.message)
        for rep in result.reps:
            verdict = rep.verdict or "not judged"
            score = f" score {rep.score:.2f}" if rep.score is not None else ""
            joints = f" ({', '.join(rep.joints[:3])})" if rep.joints else ""
            self.stdout.write(
                f"  rep {rep.index}: {rep.start_s:.2f}-{rep.end_s:.2f} s, {verdict}{score}{joints}"
            )
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(warning))
        self.stdout.write(f"Report: {opts['out'] / 'report.json'}")
