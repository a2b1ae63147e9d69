//! `LazyFrame::persist`: partitions computed once and kept; later queries
//! equal the unpersisted frame's under every partitioning and executor, and
//! read no file (the file deleted or rewritten after the persist changes
//! nothing).

use chunked_frame::{CsvOptions, FrameError, LazyFrame, col, lit, read_csv};
use executors::Executor;

use crate::TempCsv;
use crate::analyses::{BLOCKSIZES, executors};

fn text() -> String {
    let mut s = String::from("k,v,w,s\n");
    for i in 0..200 {
        let v = if i % 17 == 0 { String::new() } else { format!("{}", (i * 37) % 101) };
        s.push_str(&format!("{},{v},{}.5,name{}\n", i % 7, i % 13, i % 5));
    }
    s
}

/// Queries run on a frame, persisted or not.
fn answers(frame: &LazyFrame, exec: &Executor) -> Vec<chunked_frame::DataFrame> {
    vec![
        frame.compute(exec).unwrap(),
        frame.clone().filter(col("v").gt(lit(50))).select(&["s", "v"]).compute(exec).unwrap(),
        frame
            .clone()
            .groupby(&["k"])
            .agg(&[("v", chunked_frame::Agg::Mean), ("w", chunked_frame::Agg::Max)])
            .compute(exec)
            .unwrap(),
        frame.head(9, exec).unwrap(),
        frame.value_counts("s", exec).unwrap(),
    ]
}

#[test]
fn persisted_frames_answer_as_the_lazy_ones_and_read_no_file() {
    for blocksize in BLOCKSIZES {
        for exec in executors() {
            let file = TempCsv::new(&format!("persist-{blocksize}.csv"), text().as_bytes());
            let lazy = read_csv(file.path(), CsvOptions::default().blocksize(blocksize))
                .unwrap()
                .filter(col("k").ne(lit(3)))
                .with_column("vw", col("v") * col("w"));
            let want = answers(&lazy, &exec);
            let kept = lazy.persist(&exec).unwrap();
            assert_eq!(kept.partitions(), lazy.partitions());
            assert_eq!(kept.schema().unwrap(), lazy.schema().unwrap());
            // Rewritten, then gone: the persisted frame reads neither.
            std::fs::write(&file.0, "k,v,w,s\n1,1,1,x\n").unwrap();
            assert_ne!(lazy.len(&exec).ok(), Some(want[0].height()), "the lazy frame reads the file again");
            std::fs::remove_file(&file.0).unwrap();
            assert!(lazy.compute(&exec).is_err());
            assert_eq!(answers(&kept, &exec), want, "blocksize {blocksize}");
            let (_, stats) = kept.compute_with_stats(&exec).unwrap();
            assert_eq!(stats.most_bytes_read, 0);
            assert_eq!(kept.len(&exec).unwrap(), want[0].height());
            // Persisting again, after more operations, keeps reading memory.
            let again = kept.clone().filter(col("v").lt(lit(90))).persist(&exec).unwrap();
            let direct = kept.clone().filter(col("v").lt(lit(90))).compute(&exec).unwrap();
            assert_eq!(again.compute(&exec).unwrap(), direct);
        }
    }
}

#[test]
fn the_plan_says_the_frame_is_persisted() {
    let file = TempCsv::new("persist-plan.csv", text().as_bytes());
    let exec = Executor::sequential();
    let kept = read_csv(file.path(), CsvOptions::default().blocksize(300)).unwrap().persist(&exec).unwrap();
    let plan = kept.clone().filter(col("v").gt(lit(1))).explain().unwrap();
    assert!(plan.starts_with("Filter"), "{plan}");
    assert!(plan.contains("Persisted ("), "{plan}");
    // Only the columns the query needs are copied out of the kept ones.
    let plan = kept.clone().filter(col("v").gt(lit(1))).select(&["s"]).explain().unwrap();
    assert!(plan.contains("read [v, s] (2 of 4 columns)"), "{plan}");
    let plan = kept.groupby(&["k"]).sum("w").explain().unwrap();
    assert!(plan.contains("read [k, w] (2 of 4 columns)"), "{plan}");
    assert!(!plan.contains("ReadCsv"), "{plan}");
}

#[test]
fn persist_within_refuses_a_frame_over_its_budget() {
    let file = TempCsv::new("persist-budget.csv", text().as_bytes());
    let frame = read_csv(file.path(), CsvOptions::default().blocksize(300)).unwrap();
    for exec in executors() {
        let e = frame.persist_within(&exec, 1000).unwrap_err();
        assert!(matches!(e, FrameError::PersistTooLarge { budget: 1000, .. }), "{e}");
        assert!(e.to_string().contains("budget of 1000 bytes"), "{e}");
        assert!(e.to_string().contains("to_parquet"), "{e}");
        // 200 rows of two int64, a float64 and a string code, with room.
        let kept = frame.persist_within(&exec, 1 << 20).unwrap();
        assert_eq!(kept.len(&exec).unwrap(), 200);
    }
    // A bad query fails at persist, with the query's own error.
    let e = frame.clone().filter(col("nope").gt(lit(1))).persist(&Executor::sequential()).unwrap_err();
    assert!(matches!(e, FrameError::UnknownColumn { .. }), "{e}");
}
