use store::testing::TestDb;

#[tokio::test]
async fn opens_and_migrates_twice() {
    let db = TestDb::sqlite();
    let s = db.open().await;
    s.ping().await.unwrap();
    s.close().await;
    let s = db.open().await;
    s.ping().await.unwrap();
    if let Some(pg) = TestDb::postgres("opens_and_migrates_twice").await {
        let s = pg.open().await;
        s.ping().await.unwrap();
        s.close().await;
        let s = pg.open().await;
        s.ping().await.unwrap();
        s.close().await;
    }
}
